package notify

import (
	"mime"
	"net/textproto"
	"strings"
	"testing"

	"github.com/wneessen/go-mail"
)

// Attachment names survive RFC 2231 (Content-Disposition) and RFC 2047
// (Content-Type) encoding, folded, as a mail program decodes them.
func TestAttachmentNameHeaders(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string // when the name is changed on the way
	}{
		{name: "ascii", file: "report.xlsx"},
		{name: "ascii with spaces", file: "annual report (draft).docx"},
		{name: "one character", file: "表"},
		{name: "percent and quote", file: "100%完成's 表.csv"},
		{name: "path characters", file: `..\..\财政局/经费:表.xlsx`, want: `.._.._财政局_经费_表.xlsx`},
		{name: "long", file: strings.Repeat("尚志市教育局", 30) + ".xlsx"},
		{name: "long ascii", file: strings.Repeat("report-", 20) + ".xlsx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" {
				want = tt.file
			}
			h := textproto.MIMEHeader{}
			withNameHeaders("application/octet-stream", "attachment", sanitizeName(tt.file))(fileWithHeader(h))
			for key, param := range map[string]string{"Content-Disposition": "filename", "Content-Type": "name"} {
				raw := h.Get(key)
				for i, line := range strings.Split(raw, "\r\n") {
					if i == 0 {
						line = key + ": " + line
					}
					if len(line) > 78 {
						t.Errorf("%s line of %d characters: %q", key, len(line), line)
					}
				}
				// Unfold as a header reader does.
				_, params, err := mime.ParseMediaType(strings.ReplaceAll(raw, "\r\n", ""))
				if err != nil {
					t.Fatalf("%s %q: %v", key, raw, err)
				}
				got, err := new(mime.WordDecoder).DecodeHeader(params[param])
				if err != nil || got != want {
					t.Errorf("%s %s = %q (%v), want %q\n%s", key, param, got, err, want, raw)
				}
			}
		})
	}
}

func fileWithHeader(h textproto.MIMEHeader) *mail.File { return &mail.File{Header: h} }
