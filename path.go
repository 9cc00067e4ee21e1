package sheaf

import (
	"path"
	"strings"
)

// DisplayPath writes a file of a source the way a person finds it: a
// folder source's folder joined with the file's path.
func DisplayPath(source, file string) string {
	if dir, ok := strings.CutPrefix(source, "dir:"); ok {
		return path.Join(dir, file)
	}
	return source + ":" + file
}
