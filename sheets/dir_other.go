//go:build !unix

package sheets

import (
	"io/fs"
)

// fileIdentity is not known on this system: a walk is bounded by depth.
func fileIdentity(info fs.FileInfo) (dirID, bool) { return dirID{}, false }
