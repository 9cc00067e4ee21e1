package sheets

import (
	"archive/zip"
	"bytes"
	"fmt"
)

// Limits bound what one workbook may unpack to: a small file that
// inflates to gigabytes (a zip bomb) is refused from its directory, before
// anything is decompressed, and a part whose directory understates it is
// cut off at the limit. The zero value is the defaults; configured by
// sync.max_part_mb and sync.max_package_mb.
type Limits struct {
	// PartSize is the most any one part of a package may unpack to, in
	// bytes; 0 means MaxPartSize.
	PartSize int64
	// PackageSize is the most all parts together may unpack to, in bytes;
	// 0 means MaxPackageSize.
	PackageSize int64
	// carefulStreamFrom overrides carefulStreamSize, calcFormulas
	// maxCalcFormulas and calcSheetBytes maxCalcSheetBytes (tests).
	carefulStreamFrom int64
	calcFormulas      int
	calcSheetBytes    uint64
}

func (l Limits) carefulStream() int64 {
	if l.carefulStreamFrom > 0 {
		return l.carefulStreamFrom
	}
	return carefulStreamSize
}

// The default limits.
const (
	// MaxPartSize is the most any one part of a package may unpack to.
	MaxPartSize = 256 << 20
	// MaxPackageSize is the most all parts together may unpack to.
	MaxPackageSize = 1 << 30
	// bombRatio: a part that unpacks to more than this many times its
	// compressed size, and to more than bombFloor, is taken for a bomb.
	// Real sheet XML compresses 5–20 times.
	bombRatio = 200
	bombFloor = 32 << 20
)

func (l Limits) part() int64 {
	if l.PartSize > 0 {
		return l.PartSize
	}
	return MaxPartSize
}

func (l Limits) pkg() int64 {
	if l.PackageSize > 0 {
		return l.PackageSize
	}
	return MaxPackageSize
}

// sizeWords writes a size for people: "300 MB", "64 KB", "512 字节".
func sizeWords(n uint64) string {
	switch {
	case n >= 1<<20:
		if n%(1<<20) == 0 || n >= 100<<20 {
			return fmt.Sprintf("%d MB", n>>20)
		}
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// partTooLargeError is a part whose decompressed size is over the limit:
// size is what its zip header says, or 0 when the header understated it
// and the part was cut off at the limit.
type partTooLargeError struct {
	size  uint64
	limit int64
}

func (e *partTooLargeError) Error() string {
	if e.size > 0 {
		return fmt.Sprintf("解压后为 %s，上限 %s", sizeWords(e.size), sizeWords(uint64(e.limit)))
	}
	return fmt.Sprintf("解压后超过上限 %s", sizeWords(uint64(e.limit)))
}

// checkZipSizes refuses a package whose directory says it unpacks to more
// than the limits. archive/zip stops reading an entry at its declared size,
// so the directory cannot understate it.
func checkZipSizes(name string, data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil // not a readable package: the readers say so in their words
	}
	return checkZipEntries(name, zr, lim)
}

// checkZipEntries is checkZipSizes for a package's directory.
func checkZipEntries(name string, zr *zip.Reader, lim Limits) error {
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		switch {
		case size > uint64(lim.part()):
			return unreadable(name, "文件解压后过大（%s 为 %s，上限 %s，见 sync.max_part_mb），可能已损坏或不是正常的报表，请检查后重新保存",
				f.Name, sizeWords(size), sizeWords(uint64(lim.part())))
		case size > bombFloor && size > bombRatio*max(f.CompressedSize64, 1):
			return unreadable(name, "文件的压缩比异常（%s 压缩 %s、解压 %s），疑似恶意构造的压缩包，已拒绝读取", f.Name, sizeWords(f.CompressedSize64), sizeWords(size))
		}
	}
	if total > uint64(lim.pkg()) {
		return unreadable(name, "文件解压后过大（共 %s，上限 %s，见 sync.max_package_mb），请检查后重新保存", sizeWords(total), sizeWords(uint64(lim.pkg())))
	}
	return nil
}
