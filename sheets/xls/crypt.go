package xls

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha1"
	"encoding/binary"
	"unicode/utf16"
)

// velvetSweatshop is the password Excel encrypts with when a workbook is
// only protected against changes: it opens without a prompt.
const velvetSweatshop = "VelvetSweatshop"

// rc4Block is the length of the stream blocks each RC4 key covers.
const rc4Block = 1024

// decryptor derives the RC4 key of each 1024-byte block of the stream
// ([MS-OFFCRYPTO] 2.3.6 RC4, 2.3.5 RC4 CryptoAPI).
type decryptor struct {
	key func(block uint32) []byte
}

// newDecryptor reads a FILEPASS record and returns the decryptor for the
// first password among Excel's built-in one and password that its
// verifier accepts.
func newDecryptor(rec record, biff int, password string) (*decryptor, error) {
	f := newFields(rec)
	if biff < 8 || len(rec.data) < 6 || f.u16() == 0 {
		// XOR obfuscation (and BIFF5's only scheme): its key comes from
		// tables this package does not carry.
		return nil, &EncryptedError{Scheme: "XOR"}
	}
	major, minor := f.u16(), f.u16()
	passwords := []string{velvetSweatshop}
	if password != "" && password != velvetSweatshop {
		passwords = append(passwords, password)
	}
	switch {
	case major == 1 && minor == 1:
		salt, verifier, hash := f.bytes(16), f.bytes(16), f.bytes(16)
		if f.err != nil {
			return nil, &EncryptedError{Scheme: "RC4"}
		}
		for _, pw := range passwords {
			if d := rc4Standard(pw, salt); d.verifies(verifier, hash, md5Sum) {
				return d, nil
			}
		}
		return nil, &EncryptedError{Scheme: "RC4", Tried: password != ""}
	case minor == 2 && (major == 2 || major == 3 || major == 4):
		f.u32() // flags
		size := int(f.u32())
		head := f.bytes(size)
		f.u32() // salt size, 16
		salt, verifier := f.bytes(16), f.bytes(16)
		f.u32() // verifier hash size, 20
		hash := f.bytes(20)
		if f.err != nil || len(head) < 20 {
			return nil, &EncryptedError{Scheme: "CryptoAPI RC4"}
		}
		keyBits := int(binary.LittleEndian.Uint32(head[16:]))
		if keyBits == 0 {
			keyBits = 40
		}
		for _, pw := range passwords {
			if d := rc4CryptoAPI(pw, salt, keyBits); d.verifies(verifier, hash, sha1Sum) {
				return d, nil
			}
		}
		return nil, &EncryptedError{Scheme: "CryptoAPI RC4", Tried: password != ""}
	}
	return nil, &EncryptedError{Scheme: "RC4"}
}

func md5Sum(b []byte) []byte  { h := md5.Sum(b); return h[:] }
func sha1Sum(b []byte) []byte { h := sha1.Sum(b); return h[:] }

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// rc4Standard is Office binary RC4 encryption (version 1.1): a 40-bit key
// from MD5 of the password and the salt, an MD5 per block.
func rc4Standard(password string, salt []byte) *decryptor {
	h0 := md5.Sum(utf16LE(password))
	var buf []byte
	for range 16 {
		buf = append(buf, h0[:5]...)
		buf = append(buf, salt...)
	}
	h1 := md5.Sum(buf)
	return &decryptor{key: func(block uint32) []byte {
		h := md5.Sum(binary.LittleEndian.AppendUint32(append([]byte(nil), h1[:5]...), block))
		return h[:]
	}}
}

// rc4CryptoAPI is RC4 CryptoAPI encryption: SHA-1 of the salt and the
// password, a SHA-1 per block cut to the key size (a 40-bit key padded to
// 128 bits, as CryptoAPI does).
func rc4CryptoAPI(password string, salt []byte, keyBits int) *decryptor {
	h0 := sha1.Sum(append(append([]byte(nil), salt...), utf16LE(password)...))
	n := max(min(keyBits/8, 20), 5)
	return &decryptor{key: func(block uint32) []byte {
		h := sha1.Sum(binary.LittleEndian.AppendUint32(append([]byte(nil), h0[:]...), block))
		key := append([]byte(nil), h[:n]...)
		if n == 5 {
			key = append(key, make([]byte, 11)...)
		}
		return key
	}}
}

// verifies decrypts the verifier and its hash with block 0's key and
// compares.
func (d *decryptor) verifies(verifier, hash []byte, sum func([]byte) []byte) bool {
	c, err := rc4.NewCipher(d.key(0))
	if err != nil {
		return false
	}
	v := make([]byte, len(verifier))
	c.XORKeyStream(v, verifier)
	h := make([]byte, len(hash))
	c.XORKeyStream(h, hash)
	return bytes.Equal(sum(v)[:len(h)], h)
}

// Records whose bodies are not encrypted ([MS-XLS] 2.2.10).
var plainRecords = map[uint16]bool{
	recBOF: true, recFilePass: true, 0x0194: true /* UsrExcl */, 0x0195: true, /* FileLock */
	0x00E1: true /* InterfaceHdr */, 0x0196: true /* RRDInfo */, 0x0138: true, /* RRDHead */
}

// decryptStream decrypts in place the bodies of the records from offset
// from to the end of the stream (or to a record header that does not
// fit). The key stream runs over the whole stream, headers included, so a
// byte's key depends on its offset.
func (d *decryptor) decryptStream(b []byte, from int) {
	var (
		block  = ^uint32(0)
		stream [rc4Block]byte
	)
	xor := func(start, end int) {
		for i := start; i < end; i++ {
			if n := uint32(i / rc4Block); n != block {
				block = n
				c, _ := rc4.NewCipher(d.key(n))
				clear(stream[:])
				c.XORKeyStream(stream[:], stream[:])
			}
			b[i] ^= stream[i%rc4Block]
		}
	}
	for pos := from; pos+4 <= len(b); {
		id := binary.LittleEndian.Uint16(b[pos:])
		n := int(binary.LittleEndian.Uint16(b[pos+2:]))
		start, end := pos+4, min(pos+4+n, len(b))
		switch {
		case plainRecords[id]:
		case id == recBoundSheet:
			xor(min(start+4, end), end) // its stream offset is plain
		default:
			xor(start, end)
		}
		pos = end
	}
}

// Decrypt returns a workbook stream encrypted with RC4 (FILEPASS) that
// Excel's built-in password does not open, decrypted with password, its
// FILEPASS record made a record no reader knows, so that Parse reads it as
// plain. A stream that is not encrypted, or that opens without a password,
// is returned as it is; one the password does not open is an
// EncryptedError.
func Decrypt(stream []byte, password string) ([]byte, error) {
	rr := &recordReader{b: stream}
	for range maxRecordsBeforeFilePass {
		rec, ok, err := rr.next()
		if !ok || err != nil || rec.id == recEOF {
			return stream, nil
		}
		if rec.id != recFilePass {
			continue
		}
		biff := 8
		if len(stream) > 5 && binary.LittleEndian.Uint16(stream[4:]) == biff5Version {
			biff = 5
		}
		if _, err := newDecryptor(rec, biff, ""); err == nil {
			return stream, nil // VelvetSweatshop: Parse opens it
		}
		d, err := newDecryptor(rec, biff, password)
		if err != nil {
			return nil, err
		}
		plain := append([]byte(nil), stream...)
		d.decryptStream(plain, rr.pos)
		binary.LittleEndian.PutUint16(plain[rec.pos:], recDecrypted)
		return plain, nil
	}
	return stream, nil
}

// recDecrypted replaces the FILEPASS record of a stream Decrypt decrypted:
// an id BIFF5 and BIFF8 do not use.
const recDecrypted = 0x0000

// maxRecordsBeforeFilePass: FILEPASS follows BOF and a few records that
// stay plain; Decrypt looks no further.
const maxRecordsBeforeFilePass = 64
