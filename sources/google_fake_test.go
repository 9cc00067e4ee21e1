package sources_test

import (
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// fakeGoogle is a local Google API: the Drive and Sheets endpoints the
// sources use, and an OAuth token endpoint for a service-account key.
type fakeGoogle struct {
	srv *httptest.Server

	mu         sync.Mutex
	files      map[string]*fakeFile
	sheets     map[string]*fakeSpreadsheet
	status     map[string]int // file id → status every request about it gets
	pageSize   map[string]int // folder id → page size the listing is cut to
	faults     []*fault
	calls      []string
	tokens     map[string]bool
	nTokens    int
	refuse     bool // /token answers 401
	requireKey bool // API calls need a token from /token
	clock      time.Time
	nextID     int
}

// fakeFile is a Drive file or folder.
type fakeFile struct {
	ID, Name, MimeType string
	Parent             string
	DriveID            string // set for items in a shared drive
	Data               []byte // content, or a native sheet's export
	Version            int64
	Modified           time.Time
	ExportTooLarge     bool
	// TargetID and TargetMime make a shortcut (MimeType fakeShortcut).
	TargetID, TargetMime string
	Trashed              bool
}

const fakeShortcut = "application/vnd.google-apps.shortcut"

// fakeSpreadsheet is a native sheet's values as the Sheets API gives them.
type fakeSpreadsheet struct {
	Title string
	Tabs  []fakeTab
}

type fakeTab struct {
	Title string
	Raw   [][]any // unformatted values (dates as serial numbers)
	Shown [][]any // formatted values
	// Formats are the cells' number format patterns ("" for General).
	Formats [][]string
	Hidden  bool
	Merges  []string // "A1:B2"
}

// fault is an injected answer to the next matching requests.
type fault struct {
	match  func(r *http.Request) bool
	status int
	body   string
	left   int
	// retryAfter, when set, is sent as the Retry-After header.
	retryAfter string
}

const testEmail = "sheaf-sync@sheaf-test.iam.gserviceaccount.com"

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func rsaKey(t *testing.T) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

func newFakeGoogle(t *testing.T) *fakeGoogle {
	t.Helper()
	g := &fakeGoogle{
		files:    map[string]*fakeFile{},
		sheets:   map[string]*fakeSpreadsheet{},
		status:   map[string]int{},
		pageSize: map[string]int{},
		tokens:   map[string]bool{},
		clock:    time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", g.token)
	mux.HandleFunc("GET /drive/v3/files", g.api(g.list))
	mux.HandleFunc("GET /drive/v3/files/{id}", g.api(g.get))
	mux.HandleFunc("GET /drive/v3/files/{id}/export", g.api(g.export))
	mux.HandleFunc("GET /v4/spreadsheets/{id}", g.api(g.spreadsheet))
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

// keyFile writes a service-account key whose token_uri is the fake's.
func (g *fakeGoogle) keyFile(t *testing.T) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(rsaKey(t))
	if err != nil {
		t.Fatal(err)
	}
	key := map[string]string{
		"type":           "service_account",
		"project_id":     "sheaf-test",
		"private_key_id": "k1",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   testEmail,
		"client_id":      "1234567890",
		"token_uri":      g.srv.URL + "/token",
	}
	data, _ := json.Marshal(key)
	p := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	g.requireKey = true
	return p
}

// inject makes the next n requests that match answer status with body.
func (g *fakeGoogle) inject(n, status int, body string, match func(r *http.Request) bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, &fault{match: match, status: status, body: body, left: n})
}

// injectRetryAfter is inject with a Retry-After header on each answer.
func (g *fakeGoogle) injectRetryAfter(n, status int, retryAfter string, match func(r *http.Request) bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, &fault{match: match, status: status, body: `{"error":{"code":503,"message":"Backend Error"}}`,
		left: n, retryAfter: retryAfter})
}

func (g *fakeGoogle) callLog() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.calls...)
}

func (g *fakeGoogle) countCalls(prefix string) int {
	n := 0
	for _, c := range g.callLog() {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func apiError(w http.ResponseWriter, status int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": status, "message": msg,
		"errors": []map[string]string{{"domain": "global", "reason": reason, "message": msg}},
	}})
}

// token checks a JWT-bearer grant signed with the test key.
func (g *fakeGoogle) token(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, "POST /token")
	for _, f := range g.faults {
		if f.left > 0 && f.match(r) {
			f.left--
			w.WriteHeader(f.status)
			fmt.Fprint(w, f.body)
			return
		}
	}
	bad := func(desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"invalid_grant","error_description":%q}`, desc)
	}
	if g.refuse {
		bad("Invalid JWT Signature.")
		return
	}
	if r.FormValue("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		bad("bad grant_type")
		return
	}
	parts := strings.Split(r.FormValue("assertion"), ".")
	if len(parts) != 3 {
		bad("bad assertion")
		return
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&rsaKey(nil).PublicKey, crypto.SHA256, sum[:], sig) != nil {
		bad("Invalid JWT Signature.")
		return
	}
	var claims struct {
		Iss, Scope, Aud string
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	json.Unmarshal(payload, &claims)
	if claims.Iss != testEmail || claims.Aud != g.srv.URL+"/token" ||
		!strings.Contains(claims.Scope, "drive.readonly") || !strings.Contains(claims.Scope, "spreadsheets.readonly") {
		bad("bad claims")
		return
	}
	g.nTokens++
	tok := "tok-" + strconv.Itoa(g.nTokens)
	g.tokens[tok] = true
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, tok)
}

// expireTokens makes every token issued so far invalid, as if expired.
func (g *fakeGoogle) expireTokens() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.tokens = map[string]bool{}
}

// api wraps an endpoint: it logs the call, checks the token, and serves
// injected faults.
func (g *fakeGoogle) api(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.calls = append(g.calls, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
		if g.requireKey {
			tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !g.tokens[tok] {
				apiError(w, http.StatusUnauthorized, "authError", "Request had invalid authentication credentials.")
				return
			}
		}
		for _, f := range g.faults {
			if f.left > 0 && f.match(r) {
				f.left--
				w.Header().Set("Content-Type", "application/json")
				if f.retryAfter != "" {
					w.Header().Set("Retry-After", f.retryAfter)
				}
				w.WriteHeader(f.status)
				fmt.Fprint(w, f.body)
				return
			}
		}
		if id := r.PathValue("id"); id != "" && g.status[id] != 0 {
			apiError(w, g.status[id], "notFound", "File not found: "+id+".")
			return
		}
		h(w, r)
	}
}

var parentsQ = regexp.MustCompile(`^'([^']+)' in parents and trashed = false$`)

func (g *fakeGoogle) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	m := parentsQ.FindStringSubmatch(q.Get("q"))
	if m == nil {
		apiError(w, 400, "invalid", "unsupported q "+q.Get("q"))
		return
	}
	if !strings.Contains(q.Get("fields"), "md5Checksum") || !strings.Contains(q.Get("fields"), "nextPageToken") {
		apiError(w, 400, "invalid", "fields lacks md5Checksum or nextPageToken")
		return
	}
	allDrives := q.Get("supportsAllDrives") == "true" && q.Get("includeItemsFromAllDrives") == "true"
	var kids []*fakeFile
	for _, f := range g.files {
		if f.Parent != m[1] {
			continue
		}
		if f.DriveID != "" && (!allDrives || q.Get("corpora") == "drive" && q.Get("driveId") != f.DriveID) {
			continue // shared-drive items need the all-drives parameters
		}
		kids = append(kids, f)
	}
	sort.Slice(kids, func(i, j int) bool { return kids[i].ID < kids[j].ID })
	size, _ := strconv.Atoi(q.Get("pageSize"))
	if size <= 0 || size > 1000 {
		size = 100
	}
	if n, ok := g.pageSize[m[1]]; ok {
		size = n
	}
	start, _ := strconv.Atoi(q.Get("pageToken"))
	end := min(start+size, len(kids))
	resp := map[string]any{"kind": "drive#fileList"}
	var out []map[string]any
	for _, f := range kids[min(start, len(kids)):end] {
		out = append(out, f.meta(q.Get("fields")))
	}
	resp["files"] = out
	if end < len(kids) {
		resp["nextPageToken"] = strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// meta is a file's resource; like Drive, it has shortcutDetails only when
// the fields ask for them.
func (f *fakeFile) meta(fields string) map[string]any {
	m := map[string]any{
		"id": f.ID, "name": f.Name, "mimeType": f.MimeType, "parents": []string{f.Parent},
		"version": strconv.FormatInt(f.Version, 10), "modifiedTime": f.Modified.Format(time.RFC3339Nano),
	}
	if f.DriveID != "" {
		m["driveId"] = f.DriveID
	}
	if f.Trashed {
		m["trashed"] = true
	}
	if f.MimeType == fakeShortcut && strings.Contains(fields, "shortcutDetails") {
		m["shortcutDetails"] = map[string]any{"targetId": f.TargetID, "targetMimeType": f.TargetMime}
	}
	if !strings.HasPrefix(f.MimeType, "application/vnd.google-apps.") {
		sum := md5.Sum(f.Data)
		m["md5Checksum"] = hex.EncodeToString(sum[:])
		m["size"] = strconv.Itoa(len(f.Data))
	}
	return m
}

func (g *fakeGoogle) get(w http.ResponseWriter, r *http.Request) {
	f := g.files[r.PathValue("id")]
	if f == nil {
		apiError(w, 404, "notFound", "File not found: "+r.PathValue("id")+".")
		return
	}
	if r.URL.Query().Get("alt") == "media" {
		if strings.HasPrefix(f.MimeType, "application/vnd.google-apps.") {
			apiError(w, 403, "fileNotDownloadable", "Only files with binary content can be downloaded. Use Export with Docs Editors files.")
			return
		}
		w.Write(f.Data)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(f.meta(r.URL.Query().Get("fields")))
}

func (g *fakeGoogle) export(w http.ResponseWriter, r *http.Request) {
	f := g.files[r.PathValue("id")]
	switch {
	case f == nil:
		apiError(w, 404, "notFound", "File not found: "+r.PathValue("id")+".")
	case f.MimeType != "application/vnd.google-apps.spreadsheet":
		apiError(w, 403, "fileNotExportable", "Export only supports Docs Editors files.")
	case r.URL.Query().Get("mimeType") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		apiError(w, 400, "badRequest", "unsupported export mimeType")
	case f.ExportTooLarge:
		apiError(w, 403, "exportSizeLimitExceeded", "This file is too large to be exported.")
	default:
		w.Write(f.Data)
	}
}

// spreadsheet serves spreadsheets.get: the sheets' properties, and with
// includeGridData their cells (effective value, number format, shown
// text) in the requested ranges. Like the API, it leaves out what the
// fields do not ask for.
func (g *fakeGoogle) spreadsheet(w http.ResponseWriter, r *http.Request) {
	s := g.sheets[r.PathValue("id")]
	if s == nil {
		apiError(w, 404, "notFound", "Requested entity was not found.")
		return
	}
	q := r.URL.Query()
	fields := q.Get("fields")
	grid := q.Get("includeGridData") == "true"
	type want struct{ c0, r0, c1, r1 int }
	ranges := map[string][]want{}
	for _, rg := range q["ranges"] {
		title, cells, _ := strings.Cut(rg, "!")
		if len(title) >= 2 && title[0] == '\'' {
			title = strings.ReplaceAll(title[1:len(title)-1], "''", "'")
		}
		found := false
		for _, t := range s.Tabs {
			found = found || t.Title == title
		}
		if !found {
			apiError(w, 400, "badRequest", "Unable to parse range: "+rg)
			return
		}
		wt := want{1, 1, 1 << 20, 1 << 20}
		if cells != "" {
			from, to, _ := strings.Cut(cells, ":")
			wt.c0, wt.r0, _ = excelize.CellNameToCoordinates(from)
			wt.c1, wt.r1, _ = excelize.CellNameToCoordinates(to)
		}
		ranges[title] = append(ranges[title], wt)
	}
	var tabs []map[string]any
	for i, t := range s.Tabs {
		if len(q["ranges"]) > 0 && ranges[t.Title] == nil {
			continue // only the sheets the ranges touch
		}
		props := map[string]any{"title": t.Title, "sheetId": i, "index": i}
		if t.Hidden && strings.Contains(fields, "hidden") {
			props["hidden"] = true
		}
		tab := map[string]any{"properties": props}
		if strings.Contains(fields, "merges") {
			var merges []map[string]any
			for _, m := range t.Merges {
				from, to, _ := strings.Cut(m, ":")
				c0, r0, _ := excelize.CellNameToCoordinates(from)
				c1, r1, _ := excelize.CellNameToCoordinates(to)
				merges = append(merges, map[string]any{"sheetId": i, "startRowIndex": r0 - 1, "endRowIndex": r1,
					"startColumnIndex": c0 - 1, "endColumnIndex": c1})
			}
			if merges != nil {
				tab["merges"] = merges
			}
		}
		if grid {
			wants := ranges[t.Title]
			if wants == nil {
				wants = []want{{1, 1, 1 << 20, 1 << 20}}
			}
			var data []map[string]any
			for _, wt := range wants {
				data = append(data, t.grid(wt.c0, wt.r0, wt.c1, wt.r1, fields))
			}
			tab["data"] = data
		}
		tabs = append(tabs, tab)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"spreadsheetId": r.PathValue("id"), "properties": map[string]any{"title": s.Title}, "sheets": tabs,
	})
}

// grid is a GridData of the cells from (c0, r0) to (c1, r1), 1-based.
func (t *fakeTab) grid(c0, r0, c1, r1 int, fields string) map[string]any {
	var rows []map[string]any
	for i := r0 - 1; i < min(r1, len(t.Raw)); i++ {
		var values []map[string]any
		for j := c0 - 1; j < min(c1, len(t.Raw[i])); j++ {
			cell := map[string]any{}
			if strings.Contains(fields, "effectiveValue") {
				switch v := t.Raw[i][j].(type) {
				case float64:
					cell["effectiveValue"] = map[string]any{"numberValue": v}
				case bool:
					cell["effectiveValue"] = map[string]any{"boolValue": v}
				case string:
					if strings.HasPrefix(v, "#") && (strings.HasSuffix(v, "!") || v == "#N/A") {
						cell["effectiveValue"] = map[string]any{"errorValue": map[string]any{"type": "ERROR", "message": v}}
					} else if v != "" {
						cell["effectiveValue"] = map[string]any{"stringValue": v}
					}
				}
			}
			if i < len(t.Shown) && j < len(t.Shown[i]) && strings.Contains(fields, "formattedValue") {
				if s := fmt.Sprint(t.Shown[i][j]); s != "" {
					cell["formattedValue"] = s
				}
			}
			if i < len(t.Formats) && j < len(t.Formats[i]) && t.Formats[i][j] != "" && strings.Contains(fields, "effectiveFormat.numberFormat") {
				cell["effectiveFormat"] = map[string]any{"numberFormat": map[string]any{"type": formatType(t.Formats[i][j]), "pattern": t.Formats[i][j]}}
			}
			values = append(values, cell)
		}
		rows = append(rows, map[string]any{"values": values})
	}
	return map[string]any{"startRow": r0 - 1, "startColumn": c0 - 1, "rowData": rows}
}

// formatType is the Sheets number format type of a pattern.
func formatType(pattern string) string {
	unquoted := regexp.MustCompile(`"[^"]*"`).ReplaceAllString(pattern, "")
	switch {
	case strings.Contains(unquoted, "%"):
		return "PERCENT"
	case strings.ContainsAny(unquoted, "yd") && strings.ContainsAny(unquoted, "hs"):
		return "DATE_TIME"
	case strings.ContainsAny(unquoted, "ymd"):
		return "DATE"
	case strings.ContainsAny(unquoted, "hs"):
		return "TIME"
	}
	return "NUMBER"
}

func quote(title string) string { return "'" + strings.ReplaceAll(title, "'", "''") + "'" }

// tick advances the fake's clock, so every change has a new modifiedTime.
func (g *fakeGoogle) tick() time.Time {
	g.clock = g.clock.Add(time.Minute)
	return g.clock
}

// add stores a file (or replaces the one with that id) and returns its id.
func (g *fakeGoogle) add(f fakeFile) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f.ID == "" {
		g.nextID++
		f.ID = fmt.Sprintf("f%03d", g.nextID)
	}
	if old := g.files[f.ID]; old != nil {
		f.Version = old.Version
	}
	f.Version++
	f.Modified = g.tick()
	g.files[f.ID] = &f
	return f.ID
}

// child finds the file named name in folder parent.
func (g *fakeGoogle) child(parent, name string) *fakeFile {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, f := range g.files {
		if f.Parent == parent && f.Name == name {
			return f
		}
	}
	return nil
}

func (g *fakeGoogle) remove(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.files, id)
	delete(g.sheets, id)
}

// setSheet stores a native sheet: its Drive file, its export and its values.
func (g *fakeGoogle) setSheet(t *testing.T, id, parent, title string, xlsx []byte) {
	t.Helper()
	g.add(fakeFile{ID: id, Name: title, MimeType: "application/vnd.google-apps.spreadsheet", Parent: parent, Data: xlsx})
	s := &fakeSpreadsheet{Title: title}
	wb, err := excelize.OpenReader(strings.NewReader(string(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	for _, name := range wb.GetSheetList() {
		tab := fakeTab{Title: name}
		if visible, err := wb.GetSheetVisible(name); err == nil {
			tab.Hidden = !visible
		}
		merges, _ := wb.GetMergeCells(name)
		for _, m := range merges {
			tab.Merges = append(tab.Merges, m.GetStartAxis()+":"+m.GetEndAxis())
		}
		rows, err := wb.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			var raw, shown []any
			for _, v := range row {
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					raw = append(raw, n)
				} else {
					raw = append(raw, v)
				}
				shown = append(shown, v)
			}
			tab.Raw = append(tab.Raw, raw)
			tab.Shown = append(tab.Shown, shown)
		}
		s.Tabs = append(s.Tabs, tab)
	}
	g.mu.Lock()
	g.sheets[id] = s
	g.mu.Unlock()
}

// countCallsWith returns the calls starting with prefix.
func (g *fakeGoogle) countCallsWith(prefix string) []string {
	var out []string
	for _, c := range g.callLog() {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}
