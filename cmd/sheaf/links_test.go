package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// sheaf links prints each department's page link, the same every time
// until it is rotated; rotating one department changes its link only; and
// without a secret it says what is needed.
func TestLinksPrintAndRotate(t *testing.T) {
	cfg := setup(t)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("web: {url: \"https://sheaf.example.org\", link_secret_env: SHEAF_TEST_LINK_SECRET}\n")
	f.Close()
	if _, errOut, code := runSheaf(t, "links", "--config", cfg); code != 1 || !strings.Contains(errOut, "web.link_secret_env") {
		t.Fatalf("without the secret: exit %d %s", code, errOut)
	}
	t.Setenv("SHEAF_TEST_LINK_SECRET", strings.Repeat("s", 40))
	links := func(args ...string) map[string]string {
		t.Helper()
		out, errOut, code := runSheaf(t, append([]string{"links", "--json", "--config", cfg}, args...)...)
		if code != 0 {
			t.Fatalf("links %v: exit %d %s", args, code, errOut)
		}
		var ls []struct {
			Department string `json:"department"`
			URL        string `json:"url"`
		}
		if err := json.Unmarshal([]byte(out), &ls); err != nil {
			t.Fatalf("links --json: %v %s", err, out)
		}
		m := map[string]string{}
		for _, l := range ls {
			m[l.Department] = l.URL
		}
		return m
	}
	first := links()
	if !strings.HasPrefix(first["edu"], "https://sheaf.example.org/d/edu") || first["finance"] == "" {
		t.Fatalf("links %v", first)
	}
	if again := links(); again["edu"] != first["edu"] || again["finance"] != first["finance"] {
		t.Errorf("links changed without a rotation: %v then %v", first, again)
	}
	rotated := links("--department", "edu", "--rotate")
	if len(rotated) != 1 || rotated["edu"] == first["edu"] {
		t.Fatalf("rotating edu gave %v (was %s)", rotated, first["edu"])
	}
	if after := links(); after["edu"] != rotated["edu"] || after["finance"] != first["finance"] {
		t.Errorf("after rotating edu: %v, want edu's new link and finance's old one", after)
	}
}
