package reconcile

import (
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// at is an observation of students.total in a named file of edu.
func at(file string, fileID int64, firstSeen, mod time.Time, value float64) Observation {
	o := obs("edu", fileID, firstSeen, mod, "students.total", "2024", value)
	o.File = file
	return o
}

func TestWhichVersionCounts(t *testing.T) {
	t1, t2 := t0, t0.Add(24*time.Hour)
	tests := []struct {
		name    string
		obs     []Observation
		want    float64
		file    string
		message string // of the version flag; "" for none
	}{
		{
			name: "the value that first appeared later counts, whatever the file was saved after",
			obs: []Observation{
				// 快报.xlsx re-saved after the revision: its value is still from t1.
				at("快报.xlsx", 1, t1, t1, 4645),
				at("快报（修订）.xlsx", 2, t2, t2, 4655),
			},
			want: 4655, file: "快报（修订）.xlsx",
			message: "市教育局的两个文件中「在校生数（2024年）」不一致：快报（修订）.xlsx!Sheet1!D4 为 4655人（较新，已采用），" +
				"快报.xlsx!Sheet1!D4 为 4645人；请删除过时的文件，或将其移入“旧版”文件夹",
		},
		{
			name: "first seen in one sync: the modification time the value had then",
			obs: []Observation{
				at("b.xlsx", 1, t1, t1.Add(time.Hour), 4655),
				at("c.xlsx", 2, t1, t1, 4645),
			},
			want: 4655, file: "b.xlsx",
			message: "市教育局的两个文件中「在校生数（2024年）」不一致：b.xlsx!Sheet1!D4 为 4655人（较新，已采用），" +
				"c.xlsx!Sheet1!D4 为 4645人；请删除过时的文件，或将其移入“旧版”文件夹",
		},
		{
			name: "a full tie goes by path",
			obs:  []Observation{at("b.xlsx", 2, t1, t1, 4645), at("a.xlsx", 1, t1, t1, 4655)},
			want: 4645, file: "b.xlsx",
			message: "市教育局的两个文件中「在校生数（2024年）」不一致：b.xlsx!Sheet1!D4 为 4645人（较新，已采用），" +
				"a.xlsx!Sheet1!D4 为 4655人；请删除过时的文件，或将其移入“旧版”文件夹",
		},
		{
			name: "three files, two outdated",
			obs: []Observation{
				at("v1.xlsx", 1, t1, t1, 4600), at("v3.xlsx", 3, t2.Add(time.Hour), t2, 4655), at("v2.xlsx", 2, t2, t2, 4645),
			},
			want: 4655, file: "v3.xlsx",
			message: "市教育局的 3 个文件中「在校生数（2024年）」不一致：v3.xlsx!Sheet1!D4 为 4655人（较新，已采用），" +
				"v2.xlsx!Sheet1!D4 为 4645人，v1.xlsx!Sheet1!D4 为 4600人；请删除过时的文件，或将其移入“旧版”文件夹",
		},
		{
			name: "files that agree are no version flag",
			obs:  []Observation{at("a.xlsx", 1, t1, t1, 4655), at("b.xlsx", 2, t2, t2, 4655)},
			want: 4655, file: "b.xlsx",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := reconcileTest(t, testConfig(), Input{Observations: tc.obs})
			f := figure(t, res, "students.total", "2024")
			if f.Value != tc.want || f.File != tc.file || f.Status != sheaf.StatusOK {
				t.Errorf("figure = %v from %s (%s), want %v from %s (ok)", f.Value, f.File, f.Status, tc.want, tc.file)
			}
			var msgs []string
			for _, fl := range res.Flags {
				switch fl.Kind {
				case sheaf.KindVersion:
					msgs = append(msgs, fl.Message)
					if fl.Department != "edu" || fl.Severity != "warning" || fl.Subject != "" || len(fl.Evidence) != len(tc.obs) {
						t.Errorf("version flag = %+v", fl)
					}
				case sheaf.KindConflict:
					t.Errorf("versions of one department made a conflict: %s", fl.Message)
				}
			}
			want := []string{}
			if tc.message != "" {
				want = []string{tc.message}
			}
			if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
				t.Errorf("version flags\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// The flag's identity does not name the files: the same disagreement
// between renamed files is the same flag.
func TestVersionFlagIdentityIgnoresFiles(t *testing.T) {
	key := func(a, b string) string {
		res := reconcileTest(t, testConfig(), Input{Observations: []Observation{
			at(a, 1, t0, t0, 4645), at(b, 2, t0.Add(time.Hour), t0, 4655)}})
		for _, fl := range res.Flags {
			if fl.Kind == sheaf.KindVersion {
				return fl.Key()
			}
		}
		t.Fatal("no version flag")
		return ""
	}
	if k1, k2 := key("快报.xlsx", "快报（修订）.xlsx"), key("旧/快报.xlsx", "新快报.xlsx"); k1 != k2 {
		t.Errorf("keys differ with file names: %q %q", k1, k2)
	}
}
