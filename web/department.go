package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// The department pages (/d/{department}?t=TOKEN) are reached by the link in
// a department's reminders, not by the admin token: each shows one
// department's data only, and its one action is answering its own flags.

func mustParseDepartmentPage() *template.Template {
	return template.Must(template.New("department.html").Funcs(funcs).ParseFS(templateFS, "templates/department.html"))
}

// departmentCSRF is the CSRF field of a department page's forms, tied to
// its link token (which the form carries too, never a cookie).
func departmentCSRF(token string) string {
	sum := sha256.Sum256([]byte("sheaf-department-csrf\x00" + token))
	return hex.EncodeToString(sum[:])
}

// departmentAccess checks the link token of a department page or action,
// counting a wrong one against the client as a wrong admin token is
// counted; it answers the request itself when access is refused.
func (s *Server) departmentAccess(w http.ResponseWriter, r *http.Request, token string) (string, bool) {
	dept := r.PathValue("department")
	client := s.proxies.client(r)
	if wait := s.limiter.blocked(client); wait > 0 {
		s.log().Warn("department page refused: too many wrong links", "remote", client)
		s.tooMany(w, r, wait)
		return "", false
	}
	err := jobs.CheckDepartmentLink(r.Context(), s.Config, s.DB, dept, token, s.now())
	switch {
	case err == nil:
		return dept, true
	case errors.Is(err, jobs.ErrLinkExpired):
		s.refuse(w, r, http.StatusGone, "链接已过期", "此链接已过期，请联系协调人获取新链接。")
	case errors.Is(err, jobs.ErrLinkRefused):
		s.limiter.fail(client)
		s.log().Warn("department page with a wrong link", "remote", client)
		s.refuse(w, r, http.StatusForbidden, "链接无效", "此链接无效或已更换，请使用最新提醒邮件中的链接，或联系协调人。")
	default:
		s.serverError(w, r, "检查链接", err)
	}
	return "", false
}

// departmentFlag is one item on a department page.
type departmentFlag struct {
	ID            int64
	Kind          sheaf.Kind
	IndicatorName string
	Period        string
	Message       string
	Cells         []sheaf.Evidence
	Answer        *storage.FlagAnswer
	Answerable    bool
}

// departmentFile is one of the department's files as sheaf read it.
type departmentFile struct {
	storage.FileSummary
	StateWord    string
	Values       []takenRow
	Unrecognised []storage.FileFinding
	Other        []storage.FileFinding
}

// maxAnswerRunes and maxByRunes bound a department's answer and the name
// it is signed with.
const (
	maxAnswerRunes = 1000
	maxByRunes     = 50
)

// takenRow is a value read from a department's file, as its page shows
// it: the indicator by name, the value as written, or, for a figure
// derived from a list (its cell a range), the value and how it was
// derived.
type takenRow struct {
	storage.TakenValue
	Name, Shown, How string
}

func (s *Server) takenRow(v storage.TakenValue) takenRow {
	row := takenRow{TakenValue: v, Name: s.indicatorName(v.Indicator), Shown: v.Raw, How: v.Label}
	if strings.Contains(v.Cell, ":") {
		// "count", "sum(教职工数)": the list's derivation, not a cell's text.
		row.Shown = "—"
		if v.HasValue {
			row.Shown = sheaf.FormatValue(v.Value, max(v.Decimals, 0))
		}
		row.How = "由名册按 " + v.Raw + " 计算"
	}
	return row
}

// departmentFigure is one figure the department owes or gave.
type departmentFigure struct {
	Name, Period, Shown, Where string
	Status                     sheaf.Status
}

// ownFlags are the open flags a department's page shows, with its own
// cells only: the flags that are its own in full, and of a flag of
// another department that it is part of (a conflict) only the kind, the
// figure and its own cells, since the message names the other's values.
func (s *Server) ownFlags(dept string, flags []storage.StoredFlag, answers map[int64][]storage.FlagAnswer) []departmentFlag {
	var out []departmentFlag
	for _, f := range flags {
		if f.State != sheaf.FlagOpen {
			continue
		}
		var cells []sheaf.Evidence
		for _, e := range f.Evidence {
			if e.Department == dept {
				cells = append(cells, e)
			}
		}
		if f.Department != dept && len(cells) == 0 {
			continue
		}
		row := departmentFlag{ID: f.ID, Kind: f.Kind, IndicatorName: s.indicatorName(f.Indicator), Period: f.Period,
			Message: f.Message, Cells: cells, Answerable: true}
		if f.Department != dept {
			row.Message = "与其他单位的数据有关，请核对贵单位的单元格。"
		}
		for _, a := range answers[f.ID] {
			if a.Department == dept {
				row.Answer = &a
			}
		}
		if f.Indicator == "" {
			row.IndicatorName = ""
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) departmentPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	dept, ok := s.departmentAccess(w, r, token)
	if !ok {
		return
	}
	ctx := r.Context()
	flags, err := s.DB.DepartmentOpenFlags(ctx, dept)
	if err != nil {
		s.serverError(w, r, "读取问题", err)
		return
	}
	answers, err := s.DB.FlagAnswers(ctx)
	if err != nil {
		s.serverError(w, r, "读取答复", err)
		return
	}
	files, err := s.DB.Files(ctx)
	if err != nil {
		s.serverError(w, r, "读取文件", err)
		return
	}
	values, err := s.DB.DepartmentValues(ctx, dept)
	if err != nil {
		s.serverError(w, r, "读取数值", err)
		return
	}
	findings, err := s.DB.DepartmentFindings(ctx, dept)
	if err != nil {
		s.serverError(w, r, "读取文件情况", err)
		return
	}
	var fileRows []departmentFile
	for _, f := range files {
		if f.Department != dept || !f.Present {
			continue
		}
		row := departmentFile{FileSummary: f, StateWord: sheaf.FileStateWord(f.State)}
		for _, v := range values {
			if v.File == f.Path {
				row.Values = append(row.Values, s.takenRow(v))
			}
		}
		for _, x := range findings {
			switch {
			case x.File != f.Path:
			case x.Kind == sheaf.KindUnknown:
				row.Unrecognised = append(row.Unrecognised, x)
			default:
				row.Other = append(row.Other, x)
			}
		}
		fileRows = append(fileRows, row)
	}
	// The department's figures only, found by key: its page does not read
	// a prefecture's 100,000.
	var owned []string
	for i := range s.Config.Indicators {
		if ind := &s.Config.Indicators[i]; ind.Owner == dept {
			owned = append(owned, ind.ID)
		}
	}
	var figRows []departmentFigure
	err = s.DB.DepartmentFigures(ctx, dept, owned, func(f *sheaf.Figure) error {
		owner := ""
		if ind, ok := s.Config.Indicator(f.Indicator); ok {
			owner = ind.Owner
		}
		if owner != dept && f.Department != dept {
			return nil
		}
		row := departmentFigure{Name: s.indicatorName(f.Indicator), Period: f.Period, Status: f.Status, Shown: "—"}
		if f.Department == dept {
			// A value another department gave is not shown here.
			row.Shown = s.figureRow(*f).Shown
			row.Where = strings.Trim(f.File+" · "+f.Sheet+"!"+f.Cell, " ·!")
		}
		figRows = append(figRows, row)
		return nil
	})
	if err != nil {
		s.serverError(w, r, "读取指标", err)
		return
	}
	d, _ := s.Config.Department(dept)
	exp := "—"
	if t := jobs.LinkExpiry(s.Config); !t.IsZero() {
		exp = s.show(t)
	}
	banner := ""
	if r.URL.Query().Get("done") == "answered" {
		id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
		banner = "已提交对问题 " + strconv.FormatInt(id, 10) + " 的答复，等待协调人确认。"
	}
	data := map[string]any{
		"ID": dept, "Name": d.Name, "Cycle": s.Config.Cycle.Name, "Token": token, "CSRF": departmentCSRF(token),
		"Items": s.ownFlags(dept, flags, answers), "Figures": figRows, "Files": fileRows, "Expires": exp,
		"Corrected": sheaf.AnswerCorrected, "Banner": banner,
	}
	var buf strings.Builder
	if err := s.departmentTmpl.Execute(&buf, data); err != nil {
		s.serverError(w, r, "生成页面", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(buf.String()))
}

// postDepartmentAnswer stores a department's answer to one of its open
// flags. The form carries the link token and the page's CSRF field; a
// flag the department's page does not show is answered 404, as if it
// did not exist.
func (s *Server) postDepartmentAnswer(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("t")
	dept, ok := s.departmentAccess(w, r, token)
	if !ok {
		return
	}
	if !equal(r.PostFormValue("csrf"), departmentCSRF(token)) {
		s.refuse(w, r, http.StatusForbidden, "请求无效", "表单已过期或来源不明（安全校验失败），请回到页面重新操作。")
		return
	}
	id, err := strconv.ParseInt(r.PostFormValue("flag"), 10, 64)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, "没有这个问题", "没有这个问题。")
		return
	}
	flags, err := s.DB.DepartmentOpenFlags(r.Context(), dept)
	if err != nil {
		s.serverError(w, r, "读取问题", err)
		return
	}
	mine := false
	for _, f := range s.ownFlags(dept, flags, nil) {
		mine = mine || f.ID == id
	}
	if !mine {
		s.log().Warn("department answer for a flag not its own", "department", dept, "flag", id)
		s.refuse(w, r, http.StatusNotFound, "没有这个问题", "贵单位没有这个待处理的问题。")
		return
	}
	note, by := strings.TrimSpace(r.PostFormValue("note")), strings.TrimSpace(r.PostFormValue("by"))
	corrected := r.PostFormValue("corrected") != ""
	if corrected {
		note = strings.TrimSpace(sheaf.AnswerCorrected + " " + note)
	}
	if note == "" {
		s.refuse(w, r, http.StatusBadRequest, "请填写说明", "请填写说明，或勾选“"+sheaf.AnswerCorrected+"”。")
		return
	}
	if n := utf8.RuneCountInString(note); n > maxAnswerRunes || utf8.RuneCountInString(by) > maxByRunes {
		// An answer is read on pages, in mails and in chat posts: pages
		// of text belong in the workbook's 备注 or an attachment.
		s.refuse(w, r, http.StatusRequestEntityTooLarge, "说明过长",
			fmt.Sprintf("说明最多 %d 个字（现有 %d 个字），经办人最多 %d 个字；较长的说明请写在报表的“备注”列中。", maxAnswerRunes, n, maxByRunes))
		return
	}
	if _, err := s.DB.AnswerFlag(r.Context(), storage.FlagAnswer{FlagID: id, Department: dept, Corrected: corrected, Note: note, By: by}); err != nil {
		if errors.Is(err, storage.ErrNotFound) || strings.Contains(err.Error(), "only an open flag") {
			s.refuse(w, r, http.StatusConflict, "无法答复", "这个问题已不是待处理状态。")
			return
		}
		s.serverError(w, r, "保存答复", err)
		return
	}
	s.log().Info("flag answered from a department page", "department", dept, "flag", id)
	q := url.Values{"t": {token}, "done": {"answered"}, "id": {strconv.FormatInt(id, 10)}}
	http.Redirect(w, r, "/d/"+url.PathEscape(dept)+"?"+q.Encode(), http.StatusSeeOther)
}

// postReject rejects a department's answer waiting on a flag, with the
// coordinator's note the department reads on its page.
func (s *Server) postReject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.failed(w, r, storage.ErrNotFound, "没有这个问题。")
		return
	}
	req, ok := readNote(w, r)
	if !ok {
		return
	}
	if req.Note == "" {
		s.failed(w, r, errors.New("a note is required to reject an answer"), "请填写退回的理由：部门会在其页面上看到。")
		return
	}
	if err := s.DB.RejectAnswer(r.Context(), id, req.Note, req.By); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			s.failed(w, r, err, "这个问题没有待确认的答复。")
			return
		}
		s.serverError(w, r, "退回答复", err)
		return
	}
	s.log().Info("department answer rejected from the web", "flag", id, "by", req.By)
	done(w, r, "/flags", map[string]any{"id": id, "answer": sheaf.AnswerRejected}, "rejected", id)
}
