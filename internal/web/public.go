package web

import (
	"cmp"
	"io"
	"net/http"
	"strconv"
	"strings"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/committee"
	"dangjian/internal/cppcc"
	"dangjian/internal/forum"
	"dangjian/internal/letters"
	"dangjian/internal/store"
)

// The public pages: anyone, without an account, writes to a committee's
// mailboxes, follows a letter by its receipt code, and reads and comments
// on the forum. Every form carries a proof of work (static/pow.js).

// letterLabels name the letter form's fields in the banner.
var letterLabels = map[string]string{"box": "信箱", "title": "标题", "content": "内容", "name": "姓名", "phone": "联系电话", "id_number": "身份证号码",
	"anonymous": "匿名", "people": "人数", "file": "附件", "received_on": "收到日期", "channel": "来源渠道", "code": "回执码", "rating": "评价", "text": "理由", "body": "评论", "author": "昵称", "value": "评分", "proof": "安全验证"}

// publicMaxForm bounds a public form: a letter's text and its attachments.
const publicMaxForm = letters.MaxFiles*letters.MaxFileSize + 1<<20

// publicRoutes are the public pages of the committees' mailboxes and
// forums (none on a site without the public channel).
func (s *Site) publicRoutes() []route {
	if s.Public == nil {
		return nil
	}
	return []route{
		{"GET /public/{committee}", anyone, publicMaxForm, legacyPublic(s.publicHome)},
		{"GET /public/{committee}/write", anyone, publicMaxForm, legacyPublic(s.publicWriteForm)},
		{"POST /public/{committee}/write", anyone, publicMaxForm, legacyPublic(s.publicWrite)},
		{"GET /public/track", anyone, publicMaxForm, legacyPublic(s.publicTrackForm)},
		{"POST /public/track", anyone, publicMaxForm, legacyPublic(s.publicTrack)},
		{"POST /public/track/answer", anyone, publicMaxForm, legacyPublic(s.publicAnswer)},
		{"GET /public/{committee}/forum", anyone, publicMaxForm, legacyPublic(s.publicForum)},
		{"GET /public/{committee}/forum/{post}", anyone, publicMaxForm, legacyPublic(s.publicPost)},
		{"POST /public/{committee}/forum/{post}/{action}", anyone, publicMaxForm, legacyPublic(s.publicPostAct)},
		{"POST /public/comments", anyone, publicMaxForm, legacyPublic(s.publicComment)},
	}
}

type publicData struct {
	Committee committee.Committee
	Box       string
	Boxes     []boxView
	Form      *form
	Receipt   *letters.Receipt
	Tracked   *letters.Tracked
	Code      string
	Ratings   any
	Posts     store.List[forum.Post]
	Post      *forum.Post
	Pager     pager
	Comment   *forum.CommentReceipt
	Followed  *forum.Comment
	Notices   []cppcc.Event
	Message   string
}

type boxView struct{ Code, Label, Hint string }

var boxViews = []boxView{
	{"public", "民意信箱", "对本地经济社会发展的意见和建议,可以匿名"},
	{"member", "委员信箱", "写给政协委员的意见和建议,须留姓名和联系电话,以便委员回复"},
	{"petition", "信访", "反映需要有关部门处理的诉求,须留真实姓名和联系电话;依照《信访工作条例》的期限办理"},
}

// publicShow renders a public page: no user, no menu.
func (s *Site) publicShow(w http.ResponseWriter, status int, name, title string, data any) {
	p := page{Title: title, Problems: bannerOf(data), Data: data}
	if pd, ok := data.(publicData); ok {
		p.Brand, p.Motto = pd.Committee.Name, cppccMotto
	}
	s.render(w, status, name, p)
}

func (s *Site) publicCommittee(w http.ResponseWriter, r *http.Request) (committee.Committee, bool) {
	id, err := strconv.ParseInt(r.PathValue("committee"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, apperr.NotFound("政协"))
		return committee.Committee{}, false
	}
	c, err := s.Cppcc.PublicCommittee(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	return c, true
}

func (s *Site) publicHome(w http.ResponseWriter, r *http.Request) {
	c, ok := s.publicCommittee(w, r)
	if !ok {
		return
	}
	s.publicShow(w, http.StatusOK, "pubhome.html", c.Name, publicData{Committee: c, Boxes: boxViews})
}

func (s *Site) publicWriteForm(w http.ResponseWriter, r *http.Request) {
	c, ok := s.publicCommittee(w, r)
	if !ok {
		return
	}
	box := r.URL.Query().Get("box")
	if _, ok := letters.Boxes.Parse(box); !ok {
		box = "public"
	}
	f := &form{Values: map[string][]string{"box": {box}}, Errors: map[string]string{}, Labels: letterLabels}
	s.publicShow(w, http.StatusOK, "pubwrite.html", "写信 · "+c.Name, publicData{Committee: c, Box: box, Boxes: boxViews, Form: f})
}

func (s *Site) publicWrite(w http.ResponseWriter, r *http.Request) {
	c, ok := s.publicCommittee(w, r)
	if !ok {
		return
	}
	f := newForm(r)
	f.Labels = letterLabels
	people, _ := strconv.Atoi(cmp.Or(strings.TrimSpace(f.Get("people")), "1"))
	files, err := uploads(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := letters.CaseInput{Files: files, CommitteeID: c.ID, Box: f.Get("box"), Title: f.Get("title"), Content: f.Get("content"), Name: f.Get("name"), Phone: f.Get("phone"),
		IDNumber: f.Get("id_number"), Anonymous: f.Get("anonymous") == "1", People: people, PublicOK: f.Get("public_ok") == "1", NameOK: f.Get("name_ok") == "1"}
	rc, err := s.Public.Submit(r.Context(), auth.ClientIP(r), f.Get("proof"), in)
	if err != nil {
		if !s.onForm(w, r, f, err) {
			return
		}
		status := http.StatusBadRequest
		if ae, ok := apperr.As(err); ok {
			status = ae.Status
		}
		s.publicShow(w, status, "pubwrite.html", "写信 · "+c.Name, publicData{Committee: c, Box: in.Box, Boxes: boxViews, Form: f})
		return
	}
	s.publicShow(w, http.StatusCreated, "pubreceipt.html", "已收到您的来信", publicData{Committee: c, Receipt: &rc})
}

// uploads are the files of a multipart form's "file" fields.
func uploads(r *http.Request) ([]letters.Upload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []letters.Upload
	for _, fh := range r.MultipartForm.File["file"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, letters.MaxFileSize+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, letters.Upload{Name: fh.Filename, Data: data})
	}
	return out, nil
}

func (s *Site) publicTrackForm(w http.ResponseWriter, r *http.Request) {
	s.publicShow(w, http.StatusOK, "pubtrack.html", "查询来信办理情况", publicData{Form: &form{Errors: map[string]string{}, Labels: letterLabels}})
}

// publicTrack shows the letter of a posted receipt code (posted, so that
// the code stays out of addresses and logs).
func (s *Site) publicTrack(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	f.Labels = letterLabels
	s.showTracked(w, r, f, f.Get("code"), http.StatusOK)
}

func (s *Site) showTracked(w http.ResponseWriter, r *http.Request, f *form, code string, status int) {
	t, err := s.Public.Track(r.Context(), auth.ClientIP(r), code)
	if err != nil {
		if apperr.IsNotFound(err) {
			f.Errors["code"] = "没有找到这个回执码对应的来信,请核对后重新输入"
		} else if !s.onForm(w, r, f, err) {
			return
		}
		s.publicShow(w, http.StatusNotFound, "pubtrack.html", "查询来信办理情况", publicData{Form: f})
		return
	}
	s.publicShow(w, status, "pubtrack.html", "来信办理情况", publicData{Form: f, Tracked: &t, Code: code, Ratings: cppcc.Ratings})
}

func (s *Site) publicAnswer(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	f.Labels = letterLabels
	code := f.Get("code")
	_, err := s.Public.Answer(r.Context(), auth.ClientIP(r), code, letters.CaseAction{Action: f.Get("action"), Rating: f.Get("rating"), Text: f.Get("text")})
	if err != nil && !s.onForm(w, r, f, err) {
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusBadRequest
	} else {
		f = &form{Errors: map[string]string{}, Labels: letterLabels}
	}
	s.showTracked(w, r, f, code, status)
}

func (s *Site) publicForum(w http.ResponseWriter, r *http.Request) {
	c, ok := s.publicCommittee(w, r)
	if !ok {
		return
	}
	pg := pageOf(r)
	l, err := s.Cppcc.Forum.Posts(r.Context(), c.ID, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publicShow(w, http.StatusOK, "pubforum.html", "公开的建议 · "+c.Name, publicData{Committee: c, Posts: l, Pager: newPager(r, l.Total, pg)})
}

func (s *Site) publicPost(w http.ResponseWriter, r *http.Request) {
	s.showPost(w, r, http.StatusOK, &form{Errors: map[string]string{}, Labels: letterLabels}, nil, "")
}

func (s *Site) showPost(w http.ResponseWriter, r *http.Request, status int, f *form, rc *forum.CommentReceipt, msg string) {
	c, ok := s.publicCommittee(w, r)
	if !ok {
		return
	}
	pid, _ := strconv.ParseInt(r.PathValue("post"), 10, 64)
	p, err := s.Cppcc.Forum.Post(r.Context(), c.ID, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publicShow(w, status, "pubpost.html", p.Title, publicData{Committee: c, Post: &p, Form: f, Comment: rc, Message: msg})
}

// publicPostAct takes a comment, a support, a rating or a report.
func (s *Site) publicPostAct(w http.ResponseWriter, r *http.Request) {
	c, ok := s.publicCommittee(w, r)
	if !ok {
		return
	}
	pid, _ := strconv.ParseInt(r.PathValue("post"), 10, 64)
	f := newForm(r)
	f.Labels = letterLabels
	ip := auth.ClientIP(r)
	var err error
	var rc *forum.CommentReceipt
	msg := ""
	switch r.PathValue("action") {
	case "comment":
		var x forum.CommentReceipt
		x, err = s.Public.Comment(r.Context(), ip, f.Get("proof"), c.ID, pid, forum.CommentInput{Author: f.Get("author"), Body: f.Get("body")})
		if err == nil {
			rc = &x
		}
	case "support":
		_, err = s.Public.Vote(r.Context(), ip, c.ID, pid, "support", 1)
		msg = "感谢您的支持"
	case "rating":
		v, _ := strconv.Atoi(f.Get("value"))
		_, err = s.Public.Vote(r.Context(), ip, c.ID, pid, "rating", v)
		msg = "感谢您的评分"
	case "report":
		obj, id := f.Get("object"), parseID(f.Get("id"))
		err = s.Public.Report(r.Context(), ip, c.ID, obj, id)
		msg = "已收到您的举报,我们会尽快审核"
	default:
		err = apperr.NotFound("操作")
	}
	if err != nil {
		if !s.onForm(w, r, f, err) {
			return
		}
		s.showPost(w, r, http.StatusBadRequest, f, nil, "")
		return
	}
	s.showPost(w, r, http.StatusOK, &form{Errors: map[string]string{}, Labels: letterLabels}, rc, msg)
}

// publicComment shows a comment by its code.
func (s *Site) publicComment(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	f.Labels = letterLabels
	cm, ev, err := s.Public.CommentByCode(r.Context(), auth.ClientIP(r), f.Get("code"))
	if err != nil {
		if apperr.IsNotFound(err) {
			f.Errors["code"] = "没有找到这个代码对应的评论"
		} else if !s.onForm(w, r, f, err) {
			return
		}
		s.publicShow(w, http.StatusNotFound, "pubtrack.html", "查询评论", publicData{Form: f})
		return
	}
	s.publicShow(w, http.StatusOK, "pubtrack.html", "我的评论", publicData{Form: f, Followed: &cm, Notices: ev})
}
