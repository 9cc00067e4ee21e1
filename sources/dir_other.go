//go:build !unix

package sources

import (
	"io/fs"
)

// fileIdentity is not known on this system: a walk is bounded by depth.
func fileIdentity(info fs.FileInfo) (dirID, bool) { return dirID{}, false }
