package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// ResyncAnswer is what POST /resync and GET /resync/{id} answer: which sync
// serves the ask and where it stands (started, queued, running, done), and
// when done its report or error.
type ResyncAnswer struct {
	ID     int64            `json:"id"`
	State  string           `json:"state"`
	OK     bool             `json:"ok,omitempty"`
	Error  string           `json:"error,omitempty"`
	Report *jobs.SyncReport `json:"report,omitempty"`
}

func (s *Server) postResync(w http.ResponseWriter, r *http.Request) {
	if s.Sync == nil {
		s.serverError(w, r, "同步", errors.New("this server has no sync"))
		return
	}
	trigger := "web"
	if t := r.FormValue("trigger"); t == "cli" {
		trigger = t
	}
	id, started := s.resync.ask(trigger)
	state := "queued"
	if started {
		state = "started"
	}
	s.log().Info("resync asked", "sync", id, "state", state, "trigger", trigger)
	if wantsJSON(r) {
		w.Header().Set("Location", fmt.Sprintf("/resync/%d", id))
		writeJSON(w, http.StatusAccepted, ResyncAnswer{ID: id, State: state})
		return
	}
	// The status page follows this sync, refreshing itself until it ends.
	http.Redirect(w, r, fmt.Sprintf("/?resync=%d", id), http.StatusSeeOther)
}

func (s *Server) resyncStatus(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "not a sync number"})
		return
	}
	state, o := s.resync.state(id)
	a := ResyncAnswer{ID: id, State: state}
	switch {
	case state == "unknown":
		writeJSON(w, http.StatusNotFound, a)
		return
	case o != nil:
		a.Report = o.Report
		a.OK = o.Err == nil
		if o.Err != nil {
			a.Error = o.Err.Error()
		}
	}
	writeJSON(w, http.StatusOK, a)
}

func pathID(r *http.Request) (int64, error) {
	return strconv.ParseInt(r.PathValue("id"), 10, 64)
}

// done answers a successful action: JSON for API clients, back to the page
// for browsers, which then shows the banner named by what (see banners).
func done(w http.ResponseWriter, r *http.Request, back string, v any, what string, id int64) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, v)
		return
	}
	if ref := r.Referer(); ref != "" {
		if i := strings.Index(ref, "://"); i >= 0 {
			if j := strings.Index(ref[i+3:], "/"); j >= 0 {
				back = safeNext(ref[i+3+j:])
			}
		}
	}
	u, err := url.Parse(back)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	q.Set("done", what)
	q.Set("id", strconv.FormatInt(id, 10))
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
}

// failed answers an action that could not be done because of what was
// asked (unknown id, wrong state): err for API clients, words for people.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error, words string) {
	status := http.StatusConflict
	if errors.Is(err, storage.ErrNotFound) {
		status = http.StatusNotFound
	}
	if wantsJSON(r) {
		writeJSON(w, status, map[string]string{"error": err.Error()})
		return
	}
	s.renderStatus(w, r, status, "message", pageData{Title: "无法操作", Body: map[string]any{"Message": words, "Next": r.Referer()}})
}

// notFoundOr picks the words for an action's failure: what is not found,
// or what is in the wrong state.
func notFoundOr(err error, notFound, wrongState string) string {
	if errors.Is(err, storage.ErrNotFound) {
		return notFound
	}
	return wrongState
}

func (s *Server) postRetry(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.failed(w, r, fmt.Errorf("message %q: %w", r.PathValue("id"), storage.ErrNotFound), "没有这封邮件。")
		return
	}
	if err := s.DB.RetryMessage(r.Context(), id); err != nil {
		if errors.Is(err, storage.ErrNotFound) || strings.Contains(err.Error(), "not failed") {
			s.failed(w, r, err, notFoundOr(err, "没有这封邮件。", "只有发送失败的邮件才能重新发送。"))
			return
		}
		s.serverError(w, r, "重新发送", err)
		return
	}
	s.log().Info("message queued again from the web", "message", id)
	done(w, r, "/outbox", map[string]any{"id": id, "state": sheaf.OutboxQueued}, "retried", id)
}

// noteRequest is the body of accepting a flag or rejecting an answer
// (POST /flags/{id}/accept, /reject), as a form or JSON.
type noteRequest struct {
	Note string `json:"note"`
	By   string `json:"by"`
}

// readNote reads the note and who writes it, from a JSON body or a form,
// trimmed; false when the JSON is bad (answered already).
func readNote(w http.ResponseWriter, r *http.Request) (noteRequest, bool) {
	var req noteRequest
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad JSON: " + err.Error()})
			return req, false
		}
	} else {
		req.Note, req.By = r.PostFormValue("note"), r.PostFormValue("by")
	}
	req.Note, req.By = strings.TrimSpace(req.Note), strings.TrimSpace(req.By)
	return req, true
}

func (s *Server) postAccept(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.failed(w, r, fmt.Errorf("flag %q: %w", r.PathValue("id"), storage.ErrNotFound), "没有这个问题。")
		return
	}
	req, ok := readNote(w, r)
	if !ok {
		return
	}
	if req.Note == "" {
		s.failed(w, r, errors.New("a note is required to accept a flag"), "请填写说明：接受一个问题需要部门的解释。")
		return
	}
	if err := s.DB.AcceptFlag(r.Context(), id, req.Note, req.By); err != nil {
		if errors.Is(err, storage.ErrNotFound) || strings.Contains(err.Error(), "only an open flag") {
			s.failed(w, r, err, notFoundOr(err, "没有这个问题。", "只有待处理的问题才能接受。"))
			return
		}
		s.serverError(w, r, "接受问题", err)
		return
	}
	s.log().Info("flag accepted from the web", "flag", id, "by", req.By)
	if s.Reconcile != nil {
		// The figure says 已说明 now; if that fails, the next sync does it.
		if err := s.Reconcile(r.Context()); err != nil {
			s.log().Warn("figures not brought up to date after accepting a flag", "flag", id, "err", err)
		}
	}
	done(w, r, "/flags", map[string]any{"id": id, "state": sheaf.FlagAccepted}, "accepted", id)
}
