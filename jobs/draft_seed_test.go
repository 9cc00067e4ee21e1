package jobs

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// seedStatements are the quantitative statements of the seed report
// (sections 一 to 四) whose figures agree with each other, each written as
// the seed writes them (spaces between Chinese and digits dropped). The
// example's draft, marks taken out, must say every one.
var seedStatements = []string{
	// 一、基本情况
	"我市现有各级各类学校44所，其中教师进修学校1所、小学16所、初级中学3所、九年一贯制学校11所、十二年一贯制学校1所、高级中学3所、完全中学7所、特殊教育学校1所、职业技术教育学校1所。",
	"全市教职工4141人，在校生36614人。",
	"我市现有幼儿园58所，其中公办园26所、民办园32所。",
	"幼儿园教师848人，其中公办教师294人、聘用教师554人。",
	"在园幼儿4862人，公办园和民办普惠性幼儿园在园幼儿4469人，公办园在园幼儿2556人。",
	// 三（二）教育经费
	"2022年一般公共预算教育支出为68211万元，2023年一般公共预算教育支出为68258万元，增长了0.07%（47万元）。",
	"2024年教育支出年初预算总金额为56366万元，到二季度末支出为27216.8万元，序时教育支出进度为48.29%。",
	"2024年市政府教育投入匹配资金2587.8万元，其中城乡义务教育生均公用经费地方匹配417.96万元、普通高中及职高生均经费地方匹配1816.98万元、已辞退民办代课教师养老保险教龄补贴地方匹配85.86万元、义务教育学校校舍安全保障长效机制资金地方匹配198万元、义务教育家庭经济困难学生资助地方匹配15.9万元、普通高中国家免学费地方匹配1.3万元、普通高中国家助学金地方匹配13.7万元、普通高中就餐补贴1.1万元、中职国家免学费地方匹配33万元、中职国家助学金地方匹配4万元。",
	"我市公办幼儿园一般公共预算生均公用经费600元和普惠民办幼儿园生均补助经费200元均落实到位。",
	// 三（三）学前与义务教育
	"我市学前三年毛入园率为95%，普惠性幼儿园覆盖率为92%，",
	"2023年我市31项可量化指标的达标率均达到了77.42%，实现年度预定目标，比2022年提升3个百分点",
	// 三（四）教师
	"我市义务教育教师平均年工资收入97,987.60元，本地公务员平均年工资收入73,597.30元",
	"我市2024年应轮岗交流对象673人，其中教师639人、校长34人。轮岗交流教师69人，占比10.8%。其中，参与轮岗交流的特级教师、县级以上名师、学科带头人、骨干教师21人，占比30.4%。轮岗交流校长6人，占比17.6%。",
	"2023年中小学教师正高级职称通过人数2人、高级职称通过人数90人、中级职称通过人数141人。",
	// 三（六）健康
	"2023年4月1日—5月15日组织全市学生参加健康体检，惠及学生3.6万余名。",
	"2022年我市儿童青少年近视率50.32%，2023年近视率48.87%，",
	"已经完成儿童青少年近视率下降1个百分点的防控目标。",
	// 三（七）安全
	"按要求应配备保安184人，实际配备211人，超出标准27人。",
	"目前，9所学校消防验收合格，11所学校消防备案手续正在审批中，23所学校预计年底完成消防备案。",
	"我市食堂供餐学校4个，就餐学生592人，校外配餐学校16所，配餐学生9597人，",
	// 三（八）督导
	"2023年对政府履行教育职责评价反馈问题涉及我市10项问题。目前6项问题已经完成整改，另外4项问题正在按期积极推进整改中。",
	// 四、存在问题
	"特殊教育学校师生比未达到1:3.1的省定标准",
	"我市特殊教育学校1所，教师36名，学生146名，师生比为1:4.1。",
	"2025年适龄学生毕业22人，",
	"尽快达成学生体质健康优良率不低于20%的工作目标。",
}

// TestExampleDraftSaysTheSeed drafts the bundled example and checks that
// it says every consistent quantitative statement of the seed report, that
// the seed's two inconsistencies carry a mark, and that a figure no
// department gives shows 【缺…】.
func TestExampleDraftSaysTheSeed(t *testing.T) {
	dir, cfg, db := exampleCopy(t)
	now := func() time.Time { return time.Date(2025, 1, 20, 9, 0, 0, 0, time.UTC) }
	m := &Mailing{Config: cfg, DB: db, Syncer: &Syncer{Config: cfg, DB: db, Now: now}}
	rep, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(dir, "drafts"), DraftFormats("md,docx"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(rep.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	body, list, _ := strings.Cut(md, "## 待核实事项")
	unmarked := regexp.MustCompile(`【[^】]*】`).ReplaceAllString(body, "")
	unmarked = strings.ReplaceAll(unmarked, "\n", "")
	unmarked = strings.ReplaceAll(unmarked, `1\.`, "1.")
	for _, s := range seedStatements {
		if !strings.Contains(unmarked, s) {
			t.Errorf("the draft does not say %q", s)
		}
	}
	for _, want := range []string{
		`公办园占比为52%【待核实`,    // 2556 / 4862 = 52.57%
		`届时师生比为1:3【待核实`,    // (146 − 22) / 36 = 1:3.4
		`目前全市学生体质健康优良率为【缺`, // no department gives it
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the draft lacks %q", want)
		}
	}
	if !strings.Contains(list, "公办园在园幼儿占比（2024年）52%") || !strings.Contains(list, "2025年特殊教育学校预计师生比（2024年）1:3") ||
		!strings.Contains(list, "学生体质健康优良率（2024年）未报送") {
		t.Errorf("the list of doubts:\n%s", list)
	}
	if testing.Verbose() {
		t.Log(md)
	}
	// The Word document says the same once LibreOffice has converted it.
	if text, ok := libreOfficeText(t, rep.Files[1]); ok {
		text = regexp.MustCompile(`【[^】]*】`).ReplaceAllString(text, "")
		text = strings.NewReplacer("\n", "", "\r", "", "\u2063", "").Replace(text)
		for _, s := range seedStatements {
			if !strings.Contains(text, strings.ReplaceAll(s, "\n", "")) {
				t.Errorf("the Word document, converted by LibreOffice, does not say %q", s)
			}
		}
	}
}

// libreOfficeText converts a document to plain text with LibreOffice,
// headless; false where LibreOffice is not installed or with -short.
func libreOfficeText(t *testing.T, file string) (string, bool) {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if testing.Short() || err != nil {
		return "", false
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir, file)
	out, err := cmd.CombinedOutput()
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ".txt"
	b, rerr := os.ReadFile(filepath.Join(dir, name))
	if err != nil || rerr != nil {
		t.Logf("LibreOffice could not convert %s, not checked: %v %v\n%s", file, err, rerr, out)
		return "", false
	}
	return string(b), true
}
