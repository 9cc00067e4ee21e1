package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestDocsExampleLoads keeps the complete example in the configuration
// reference valid: it is the first yaml block of docs/configuration.md.
func TestDocsExampleLoads(t *testing.T) {
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```yaml\n")
	example, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("docs/configuration.md has no ```yaml block")
	}
	if _, err := Load(writeConfig(t, example)); err != nil {
		t.Errorf("the documented example does not load:\n%v", err)
	}
}

// TestDocsNameEveryKey fails when a configuration key (a yaml tag) is not
// in docs/configuration.md: a key under a mapping by its dotted path
// ("web.listen", "mail.smtp.host"), a key of a list's items by its name
// ("sources[].glob" as `glob`).
func TestDocsNameEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	var missing []string
	// rel is the key's path from the nearest list item ("drive.folder"
	// under sources[]); a section key may be named by its heading.
	var walk func(typ reflect.Type, path, rel string, inList bool)
	walk = func(typ reflect.Type, path, rel string, inList bool) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			key, r := name, name
			if path != "" {
				key = path + "." + name
			}
			if rel != "" {
				r = rel + "." + name
			}
			found := strings.Contains(text, "`"+key+"`") || strings.Contains(text, "\n### "+key+"\n")
			if inList {
				found = strings.Contains(text, "`"+r+"`") || strings.Contains(text, "`"+name+"`") && !strings.Contains(r, ".")
			}
			if !found {
				missing = append(missing, key)
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Slice:
				walk(ft.Elem(), key+"[]", "", true)
			case reflect.Struct:
				walk(ft, key, r, inList)
			}
		}
	}
	walk(reflect.TypeOf(Config{}), "", "", false)
	if len(missing) > 0 {
		t.Errorf("docs/configuration.md does not name these keys:\n%s", strings.Join(missing, "\n"))
	}
}
