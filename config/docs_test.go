package config

import (
	"os"
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
