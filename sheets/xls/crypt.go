package xls

import "encoding/binary"

// decryptor decrypts the record bodies of an encrypted workbook stream.
type decryptor struct {
	decryptRecord func(rec record)
}

func (d *decryptor) decrypt(rec record) { d.decryptRecord(rec) }

// newDecryptor reads a FILEPASS record and makes the decryptor for its
// scheme with Excel's built-in password or password.
func newDecryptor(rec record, biff int, password string) (*decryptor, error) {
	if biff < 8 || len(rec.data) < 2 {
		return nil, &EncryptedError{Scheme: "XOR"}
	}
	switch binary.LittleEndian.Uint16(rec.data) {
	case 0:
		return nil, &EncryptedError{Scheme: "XOR"}
	}
	if len(rec.data) >= 6 && binary.LittleEndian.Uint16(rec.data[2:]) >= 2 {
		return nil, &EncryptedError{Scheme: "CryptoAPI RC4"}
	}
	return nil, &EncryptedError{Scheme: "RC4"}
}
