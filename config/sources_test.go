package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGoogleSourcesLoad(t *testing.T) {
	src := withBase(`
departments:
  - id: edu
    name: 市教育局
    sources:
      - drive: {folder: 1AbCdEfGh}
        credentials: sa.json
        exclude: ["**/草稿/**"]
      - sheet: {id: 1XyZ, ranges: ["汇总!A1:F40"]}
        endpoint: http://127.0.0.1:8080/
        no_auth: true
`)
	path := writeConfig(t, src)
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "sa.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Departments[0].Sources
	if s[0].Drive == nil || s[0].Drive.Folder != "1AbCdEfGh" || s[0].Credentials != "sa.json" {
		t.Errorf("drive source %+v", s[0])
	}
	if s[1].Sheet == nil || s[1].Sheet.ID != "1XyZ" || s[1].Sheet.Ranges[0] != "汇总!A1:F40" || !s[1].NoAuth || s[1].Endpoint != "http://127.0.0.1:8080/" {
		t.Errorf("sheet source %+v", s[1])
	}
}

func TestGoogleSourceProblems(t *testing.T) {
	src := withBase(`
departments:
  - id: edu
    name: 市教育局
    sources:
      - dir: inbox/edu
        drive: {folder: abc} # ← departments[0].sources[0].drive
      - drive: {folder: ""} # ← departments[0].sources[1].drive.folder
        credentials: missing.json # ← departments[0].sources[1].credentials
      - sheet:
          id: 1XyZ
          ranges: [A1:B2]
          sheets: [汇总] # ← departments[0].sources[2].sheet.sheets
        glob: "*.xlsx" # ← departments[0].sources[2].glob
        endpoint: "ftp://x" # ← departments[0].sources[2].endpoint
      - sheet: {id: ""} # ← departments[0].sources[3].sheet.id
        no_auth: true # ← departments[0].sources[3].no_auth
      - dir: inbox/x
        endpoint: http://x/ # ← departments[0].sources[4].endpoint
      - glob: "*.xlsx" # ← departments[0].sources[5].dir
`)
	path := writeConfig(t, src)
	_, err := Load(path)
	checkErrors(t, err, path, src, []want{
		{"departments[0].sources[0].drive", "a source is one of dir, drive or sheet"},
		{"departments[0].sources[1].drive.folder", "is required"},
		{"departments[0].sources[1].credentials", "does not exist"},
		{"departments[0].sources[2].sheet.sheets", "not both"},
		{"departments[0].sources[2].glob", "not to a sheet"},
		{"departments[0].sources[2].endpoint", "not an http(s) URL"},
		{"departments[0].sources[3].sheet.id", "is required"},
		{"departments[0].sources[3].no_auth", "local test server"},
		{"departments[0].sources[4].endpoint", "not to a folder"},
		{"departments[0].sources[5].dir", "is required"},
	})
}
