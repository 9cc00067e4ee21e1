package config

import (
	"fmt"
	"os"
	"strings"
)

// Secret reads a secret the configuration names by environment variable
// (key is the configuration key that names it, for messages): the variable
// itself, or, when NAME_FILE is set instead (or name already ends in
// _FILE), the file it names, less a trailing newline. Secrets never live in
// the YAML; what names the secret is quoted in errors, the secret never.
func Secret(name, key, what string) (string, error) {
	fileVar := name
	if !strings.HasSuffix(name, "_FILE") {
		fileVar = name + "_FILE"
		v, direct := os.LookupEnv(name)
		_, viaFile := os.LookupEnv(fileVar)
		switch {
		case direct && viaFile:
			return "", fmt.Errorf("both %s and %s are set (%s): set only one", name, fileVar, key)
		case direct && v == "":
			return "", fmt.Errorf("environment variable %s (%s) is empty", name, key)
		case direct:
			return v, nil
		case !viaFile:
			return "", fmt.Errorf("environment variable %s (%s), or %s naming a file, is not set", name, key, fileVar)
		}
	}
	path := os.Getenv(fileVar)
	if path == "" {
		return "", fmt.Errorf("environment variable %s (%s) is not set", fileVar, key)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read the %s from %s (named by %s): %w", what, path, fileVar, err)
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("the %s file %s (named by %s) is empty", what, path, fileVar)
	}
	return s, nil
}
