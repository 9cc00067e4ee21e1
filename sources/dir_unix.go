//go:build unix

package sources

import (
	"io/fs"
	"syscall"
)

// fileIdentity is a folder's device and inode, which tell a folder reached
// through a link from one reached directly.
func fileIdentity(info fs.FileInfo) (dirID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return dirID{}, false
	}
	return dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
