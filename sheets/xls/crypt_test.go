package xls

import (
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"errors"
	"os"
	"reflect"
	"testing"
)

// encryptRC4 encrypts a BIFF8 workbook stream as Excel does with RC4
// (version 1.1) and password: a FILEPASS record after the first BOF, the
// sheets' offsets moved past it, every record body after it encrypted but
// BOUNDSHEET's offset. RC4 is its own inverse, so decryptStream encrypts.
func encryptRC4(t *testing.T, plain []byte, password string) []byte {
	t.Helper()
	salt := []byte("0123456789abcdef")
	verifier := []byte("fedcba9876543210")
	d := rc4Standard(password, salt)
	c, err := rc4.NewCipher(d.key(0))
	if err != nil {
		t.Fatal(err)
	}
	encVerifier := make([]byte, 16)
	c.XORKeyStream(encVerifier, verifier)
	sum := md5.Sum(verifier)
	encHash := make([]byte, 16)
	c.XORKeyStream(encHash, sum[:])
	var fp biff
	fp.rec(recFilePass, uint16(1), uint16(1), uint16(1), salt, encVerifier, encHash)
	shift := fp.Len()

	bofLen := 4 + int(binary.LittleEndian.Uint16(plain[2:]))
	out := append(append(append([]byte(nil), plain[:bofLen]...), fp.Bytes()...), plain[bofLen:]...)
	for pos := bofLen + shift; pos+4 <= len(out); {
		id := binary.LittleEndian.Uint16(out[pos:])
		n := int(binary.LittleEndian.Uint16(out[pos+2:]))
		if id == recBoundSheet {
			p := binary.LittleEndian.Uint32(out[pos+4:])
			binary.LittleEndian.PutUint32(out[pos+4:], p+uint32(shift))
		}
		pos += 4 + n
	}
	d.decryptStream(out, bofLen+shift)
	return out
}

func smallStream(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/xls/small.xls")
	if err != nil {
		t.Fatal(err)
	}
	s, cut, err := Stream(data, 1<<30)
	if err != nil || cut {
		t.Fatalf("stream: cut %v, %v", cut, err)
	}
	return s
}

// TestRC4: a workbook Excel encrypted with its built-in password opens
// without one; one encrypted with the department's opens with it (Parse,
// or Decrypt then Parse) and is refused without it, saying RC4.
func TestRC4(t *testing.T) {
	plain := smallStream(t)
	want, err := Parse(plain, "")
	if err != nil {
		t.Fatal(err)
	}
	builtIn := encryptRC4(t, plain, velvetSweatshop)
	if got, err := Parse(builtIn, ""); err != nil || !reflect.DeepEqual(got.Sheets, want.Sheets) {
		t.Errorf("VelvetSweatshop: %v, sheets equal %v", err, err == nil && reflect.DeepEqual(got.Sheets, want.Sheets))
	}
	if s, err := Decrypt(builtIn, "其他"); err != nil || &s[0] != &builtIn[0] {
		t.Errorf("Decrypt of a VelvetSweatshop stream: %v, changed %v", err, err == nil && &s[0] != &builtIn[0])
	}

	enc := encryptRC4(t, plain, "部门密码")
	var ee *EncryptedError
	if _, err := Parse(enc, ""); !errors.As(err, &ee) || ee.Scheme != "RC4" || ee.Tried {
		t.Errorf("without the password: %v", err)
	}
	if _, err := Parse(enc, "错的"); !errors.As(err, &ee) || !ee.Tried {
		t.Errorf("a wrong password: %v", err)
	}
	if got, err := Parse(enc, "部门密码"); err != nil || !reflect.DeepEqual(got.Sheets, want.Sheets) {
		t.Errorf("with the password: %v", err)
	}
	dec, err := Decrypt(enc, "部门密码")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Parse(dec, ""); err != nil || !reflect.DeepEqual(got.Sheets, want.Sheets) {
		t.Errorf("Decrypt then Parse: %v", err)
	}
}
