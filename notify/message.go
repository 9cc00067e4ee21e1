package notify

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf"

	"github.com/wneessen/go-mail"
)

// buildMessage makes the go-mail message for an outbox message: the same
// RFC 5322 bytes whether it goes to a server or into a .eml file.
func buildMessage(m sheaf.OutboxMessage) (*mail.Msg, error) {
	// Base64 rather than go-mail's default quoted-printable: Chinese text
	// in quoted-printable takes 9 bytes a character, in base64 4. It also
	// makes go-mail write encoded headers as RFC 2047 "B" words.
	msg := mail.NewMsg(mail.WithEncoding(mail.EncodingB64), mail.WithCharset(mail.CharsetUTF8))
	if err := msg.From(m.Sender); err != nil {
		return nil, fmt.Errorf("sender %q: %w", m.Sender, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("recipients %q: %w", m.To, err)
	}
	if len(m.Cc) > 0 {
		if err := msg.Cc(m.Cc...); err != nil {
			return nil, fmt.Errorf("cc %q: %w", m.Cc, err)
		}
	}
	// SetMessageIDWithValue adds the angle brackets itself.
	msg.SetMessageIDWithValue(strings.TrimSuffix(strings.TrimPrefix(m.MessageID, "<"), ">"))
	// The time the message was decided, so that every attempt sends the
	// same message.
	msg.SetDateWithValue(m.CreatedAt)
	msg.Subject(m.Subject)
	msg.SetUserAgent("sheaf")
	// RFC 3834: tells vacation responders not to answer a reminder.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")

	switch {
	case m.BodyText != "" && m.BodyHTML != "":
		msg.SetBodyString(mail.TypeTextPlain, m.BodyText)
		msg.AddAlternativeString(mail.TypeTextHTML, m.BodyHTML)
	case m.BodyHTML != "":
		msg.SetBodyString(mail.TypeTextHTML, m.BodyHTML)
	default:
		msg.SetBodyString(mail.TypeTextPlain, m.BodyText)
	}

	for _, a := range m.Attachments {
		data, name := a.Data, a.Name
		if a.Path != "" {
			b, err := os.ReadFile(a.Path)
			if err != nil {
				return nil, fmt.Errorf("attachment: %w", err)
			}
			data = b
			if name == "" {
				name = filepath.Base(a.Path)
			}
		}
		if name == "" {
			return nil, fmt.Errorf("an attachment has neither a name nor a path")
		}
		ct := a.ContentType
		if ct == "" {
			ct = contentType(name)
		}
		opts := []mail.FileOption{withNameHeaders(ct, "attachment", sanitizeName(name))}
		msg.AttachReadSeeker(name, bytes.NewReader(data), opts...)
	}
	return msg, nil
}

// officeTypes are the types of the files sheaf sends, which
// mime.TypeByExtension knows only where the system's mime.types does.
var officeTypes = map[string]string{
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".xls":  "application/vnd.ms-excel",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".doc":  "application/msword",
	".csv":  "text/csv; charset=utf-8",
	".pdf":  "application/pdf",
	".zip":  "application/zip",
}

// contentType guesses a file's MIME type from its name.
func contentType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := officeTypes[ext]; ok {
		return t
	}
	return cmp.Or(mime.TypeByExtension(ext), "application/octet-stream")
}

// withNameHeaders writes an attachment's Content-Type and
// Content-Disposition, with its file name, instead of go-mail: go-mail does
// not fold these headers (a long Chinese name makes a line of hundreds of
// characters) and writes filename="=?UTF-8?…?=", an RFC 2047 word inside
// a quoted parameter, which RFC 2047 (section 5) forbids.
//
// Content-Disposition carries the name as RFC 2231 requires (a filename*
// parameter of percent-encoded UTF-8, in numbered sections); Content-Type
// keeps name="=?UTF-8?b?…?=" for the mail programs that read only that,
// as Thunderbird does. Both are folded between parameters or words. The
// parts are always inside multipart/mixed (the message has a body), where
// go-mail writes part headers as they are.
func withNameHeaders(contentType, disposition, name string) mail.FileOption {
	return func(f *mail.File) {
		f.Header.Set("Content-Type", contentType+nameParam(name))
		f.Header.Set("Content-Disposition", disposition+filenameParam(name))
	}
}

// fold starts a new header line.
const fold = "\r\n "

// nameParam formats the Content-Type name parameter, with its leading ";".
func nameParam(name string) string {
	if isPlainToken(name) {
		if p := mime.FormatMediaType("x", map[string]string{"name": name}); p != "" {
			return p[1:]
		}
	}
	// Encoded words of at most 36 bytes of the name (60 characters), cut
	// between characters; whitespace between encoded words is not part of
	// the text they encode.
	var words []string
	for rest := name; rest != ""; {
		n := 0
		for i, r := range rest {
			if i+utf8.RuneLen(r) > 36 {
				break
			}
			n = i + utf8.RuneLen(r)
		}
		n = max(n, 1)
		words = append(words, "=?UTF-8?b?"+base64.StdEncoding.EncodeToString([]byte(rest[:n]))+"?=")
		rest = rest[n:]
	}
	return ";" + fold + `name="` + strings.Join(words, fold) + `"`
}

// filenameParam formats the Content-Disposition filename parameter, with
// its leading ";".
func filenameParam(name string) string {
	if isPlainToken(name) {
		if p := mime.FormatMediaType("x", map[string]string{"filename": name}); p != "" {
			return p[1:] // "; filename=…" (quoted when needed)
		}
	}
	// Percent-encode every byte outside RFC 2231's attribute-char set, then
	// cut between escapes into sections of at most 60 characters.
	var enc strings.Builder
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	s := enc.String()
	const width = 60
	if len(s) <= width-len("utf-8''") {
		return ";" + fold + "filename*=utf-8''" + s
	}
	var out strings.Builder
	for i := 0; s != ""; i++ {
		n := min(width, len(s))
		if i == 0 {
			n = min(width-len("utf-8''"), len(s))
		}
		// Do not split a %XX escape.
		if j := strings.LastIndexByte(s[:n], '%'); n < len(s) && j >= n-2 {
			n = j
		}
		section := s[:n]
		s = s[n:]
		if i == 0 {
			section = "utf-8''" + section
		}
		fmt.Fprintf(&out, ";%sfilename*%d*=%s", fold, i, section)
	}
	return out.String()
}

// isPlainToken says whether a file name can be written as it is.
func isPlainToken(s string) bool {
	for _, b := range []byte(s) {
		if b >= 0x80 || b < 0x20 || b == 0x7f {
			return false
		}
	}
	return s != "" && len(s) < 60
}

// isAttrChar is RFC 2231's attribute-char: a token character other than
// *, ' and %.
func isAttrChar(b byte) bool {
	if b <= ' ' || b >= 0x7f {
		return false
	}
	return !strings.ContainsRune(`()<>@,;:\"/[]?=*'%`, rune(b))
}

// sanitizeName replaces control characters and those that would make a
// file name a path on the recipient's machine, as go-mail does for the
// name it writes.
func sanitizeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:"`, r) {
			return '_'
		}
		return r
	}, name)
}
