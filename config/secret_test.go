package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecret(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	os.WriteFile(file, []byte("s3cret\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{"the variable", map[string]string{"SHEAF_T_S": "abc"}, "abc", ""},
		{"a file named by NAME_FILE", map[string]string{"SHEAF_T_S_FILE": file}, "s3cret", ""},
		{"neither", nil, "", "SHEAF_T_S (x.key), or SHEAF_T_S_FILE naming a file, is not set"},
		{"both", map[string]string{"SHEAF_T_S": "a", "SHEAF_T_S_FILE": file}, "", "both SHEAF_T_S and SHEAF_T_S_FILE are set"},
		{"empty variable", map[string]string{"SHEAF_T_S": ""}, "", "is empty"},
		{"empty file", map[string]string{"SHEAF_T_S_FILE": empty}, "", "is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Unsetenv("SHEAF_T_S")
			os.Unsetenv("SHEAF_T_S_FILE")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			got, err := Secret("SHEAF_T_S", "x.key", "secret")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "abc") {
					t.Fatalf("the secret is in the error: %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Secret = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
