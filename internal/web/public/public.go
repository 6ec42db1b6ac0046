package public

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
	"dangjian/internal/web"
)

// The public pages: anyone, without an account, writes to a committee's
// mailboxes, follows a letter by its receipt code, and reads and comments
// on the forum. Every form carries a proof of work (static/pow.js).

// publicMaxForm bounds a public form: a letter's text and its attachments.
const publicMaxForm = letters.MaxFiles*letters.MaxFileSize + 1<<20

// publicRoutes are the public pages of the committees' mailboxes and
// forums (none on a site without the public channel).
func (s *pages) publicRoutes() []route {
	if s.Public == nil {
		return nil
	}
	return []route{
		{"GET /public/{committee}", web.Anyone, publicMaxForm, s.publicHome},
		{"GET /public/{committee}/write", web.Anyone, publicMaxForm, s.publicWriteForm},
		{"POST /public/{committee}/write", web.Anyone, publicMaxForm, s.publicWrite},
		{"GET /public/track", web.Anyone, publicMaxForm, s.publicTrackForm},
		{"POST /public/track", web.Anyone, publicMaxForm, s.publicTrack},
		{"POST /public/track/answer", web.Anyone, publicMaxForm, s.publicAnswer},
		{"GET /public/{committee}/forum", web.Anyone, publicMaxForm, s.publicForum},
		{"GET /public/{committee}/forum/{post}", web.Anyone, publicMaxForm, s.publicPost},
		{"POST /public/{committee}/forum/{post}/{action}", web.Anyone, publicMaxForm, s.publicPostAct},
		{"POST /public/comments", web.Anyone, publicMaxForm, s.publicComment},
	}
}

type publicData struct {
	Committee committee.Committee
	Box       string
	Boxes     []boxView
	Form      *web.Form
	Receipt   *letters.Receipt
	Tracked   *letters.Tracked
	Code      string
	Ratings   any
	Posts     store.List[forum.Post]
	Post      *forum.Post
	Pager     web.Pager
	Comment   *forum.CommentReceipt
	Followed  *forum.Comment
	Notices   []cppcc.Event
	Message   string
}

// BrandName is the committee the page is of.
func (d publicData) BrandName() string { return d.Committee.Name }

type boxView struct{ Code, Label, Hint string }

var boxViews = []boxView{
	{"public", "民意信箱", "对本地经济社会发展的意见和建议,可以匿名"},
	{"member", "委员信箱", "写给政协委员的意见和建议,须留姓名和联系电话,以便委员回复"},
	{"petition", "信访", "反映需要有关部门处理的诉求,须留真实姓名和联系电话;依照《信访工作条例》的期限办理"},
}

// publicCommittee is the committee of the page's path.
func (s *pages) publicCommittee(r *http.Request) (committee.Committee, error) {
	id, err := strconv.ParseInt(r.PathValue("committee"), 10, 64)
	if err != nil || id <= 0 {
		return committee.Committee{}, apperr.NotFound("政协")
	}
	return s.Cppcc.PublicCommittee(r.Context(), id)
}

func (s *pages) publicHome(c *web.Call) (web.Answer, error) {
	cm, err := s.publicCommittee(c.R)
	if err != nil {
		return nil, err
	}
	return web.View{Name: "pubhome.html", Title: cm.Name, Data: publicData{Committee: cm, Boxes: boxViews}}, nil
}

func (s *pages) publicWriteForm(c *web.Call) (web.Answer, error) {
	cm, err := s.publicCommittee(c.R)
	if err != nil {
		return nil, err
	}
	box := c.R.URL.Query().Get("box")
	if _, ok := letters.Boxes.Parse(box); !ok {
		box = "public"
	}
	f := &web.Form{Values: map[string][]string{"box": {box}}, Errors: map[string]string{}, Labels: web.LetterLabels}
	return web.View{Name: "pubwrite.html", Title: "写信 · " + cm.Name, Data: publicData{Committee: cm, Box: box, Boxes: boxViews, Form: f}}, nil
}

func (s *pages) publicWrite(c *web.Call) (web.Answer, error) {
	r := c.R
	cm, err := s.publicCommittee(r)
	if err != nil {
		return nil, err
	}
	f := web.NewForm(r)
	f.Labels = web.LetterLabels
	people, _ := strconv.Atoi(cmp.Or(strings.TrimSpace(f.Get("people")), "1"))
	files, err := uploads(r)
	if err != nil {
		return nil, err
	}
	in := letters.CaseInput{Files: files, CommitteeID: cm.ID, Box: f.Get("box"), Title: f.Get("title"), Content: f.Get("content"), Name: f.Get("name"), Phone: f.Get("phone"),
		IDNumber: f.Get("id_number"), Anonymous: f.Get("anonymous") == "1", People: people, PublicOK: f.Get("public_ok") == "1", NameOK: f.Get("name_ok") == "1"}
	rc, err := s.Public.Submit(r.Context(), auth.ClientIP(r), f.Get("proof"), in)
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) {
			// The form again with the refusal's own status (submitted too often: 429).
			ae, _ := apperr.As(err)
			return web.View{Status: ae.Status, Name: "pubwrite.html", Title: "写信 · " + cm.Name, Data: publicData{Committee: cm, Box: in.Box, Boxes: boxViews, Form: f}}, nil
		})
	}
	return web.View{Status: http.StatusCreated, Name: "pubreceipt.html", Title: "已收到您的来信", Data: publicData{Committee: cm, Receipt: &rc}}, nil
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

func (s *pages) publicTrackForm(*web.Call) (web.Answer, error) {
	return web.View{Name: "pubtrack.html", Title: "查询来信办理情况", Data: publicData{Form: &web.Form{Errors: map[string]string{}, Labels: web.LetterLabels}}}, nil
}

// publicTrack shows the letter of a posted receipt code (posted, so that
// the code stays out of addresses and logs).
func (s *pages) publicTrack(c *web.Call) (web.Answer, error) {
	f := web.NewForm(c.R)
	f.Labels = web.LetterLabels
	return s.showTracked(c, f, f.Get("code"))
}

// showTracked shows the letter of the receipt code, or the form again
// (404) when no letter has it.
func (s *pages) showTracked(c *web.Call, f *web.Form, code string) (web.Answer, error) {
	t, err := s.Public.Track(c.R.Context(), auth.ClientIP(c.R), code)
	if err != nil {
		again := func() (web.Answer, error) {
			return web.View{Status: http.StatusNotFound, Name: "pubtrack.html", Title: "查询来信办理情况", Data: publicData{Form: f}}, nil
		}
		if apperr.IsNotFound(err) {
			f.Errors["code"] = "没有找到这个回执码对应的来信,请核对后重新输入"
			return again()
		}
		return web.Refused(c.R, f, err, again)
	}
	return web.View{Name: "pubtrack.html", Title: "来信办理情况", Data: publicData{Form: f, Tracked: &t, Code: code, Ratings: cppcc.Ratings}}, nil
}

func (s *pages) publicAnswer(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	f.Labels = web.LetterLabels
	code := f.Get("code")
	_, err := s.Public.Answer(r.Context(), auth.ClientIP(r), code, letters.CaseAction{Action: f.Get("action"), Rating: f.Get("rating"), Text: f.Get("text")})
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.showTracked(c, f, code) })
	}
	return s.showTracked(c, &web.Form{Errors: map[string]string{}, Labels: web.LetterLabels}, code)
}

func (s *pages) publicForum(c *web.Call) (web.Answer, error) {
	r := c.R
	cm, err := s.publicCommittee(r)
	if err != nil {
		return nil, err
	}
	pg := web.PageOf(r)
	l, err := s.Cppcc.Forum.Posts(r.Context(), cm.ID, pg)
	if err != nil {
		return nil, err
	}
	return web.View{Name: "pubforum.html", Title: "公开的建议 · " + cm.Name, Data: publicData{Committee: cm, Posts: l, Pager: web.NewPager(r, l.Total, pg)}}, nil
}

func (s *pages) publicPost(c *web.Call) (web.Answer, error) {
	return s.showPost(c, &web.Form{Errors: map[string]string{}, Labels: web.LetterLabels}, nil, "")
}

func (s *pages) showPost(c *web.Call, f *web.Form, rc *forum.CommentReceipt, msg string) (web.Answer, error) {
	r := c.R
	cm, err := s.publicCommittee(r)
	if err != nil {
		return nil, err
	}
	pid, _ := strconv.ParseInt(r.PathValue("post"), 10, 64)
	p, err := s.Cppcc.Forum.Post(r.Context(), cm.ID, pid)
	if err != nil {
		return nil, err
	}
	return web.View{Name: "pubpost.html", Title: p.Title, Data: publicData{Committee: cm, Post: &p, Form: f, Comment: rc, Message: msg}}, nil
}

// publicPostAct takes a comment, a support, a rating or a report.
func (s *pages) publicPostAct(c *web.Call) (web.Answer, error) {
	r := c.R
	cm, err := s.publicCommittee(r)
	if err != nil {
		return nil, err
	}
	pid, _ := strconv.ParseInt(r.PathValue("post"), 10, 64)
	f := web.NewForm(r)
	f.Labels = web.LetterLabels
	ip := auth.ClientIP(r)
	var rc *forum.CommentReceipt
	msg := ""
	switch r.PathValue("action") {
	case "comment":
		var x forum.CommentReceipt
		x, err = s.Public.Comment(r.Context(), ip, f.Get("proof"), cm.ID, pid, forum.CommentInput{Author: f.Get("author"), Body: f.Get("body")})
		if err == nil {
			rc = &x
		}
	case "support":
		_, err = s.Public.Vote(r.Context(), ip, cm.ID, pid, "support", 1)
		msg = "感谢您的支持"
	case "rating":
		v, _ := strconv.Atoi(f.Get("value"))
		_, err = s.Public.Vote(r.Context(), ip, cm.ID, pid, "rating", v)
		msg = "感谢您的评分"
	case "report":
		obj, id := f.Get("object"), web.ParseID(f.Get("id"))
		err = s.Public.Report(r.Context(), ip, cm.ID, obj, id)
		msg = "已收到您的举报,我们会尽快审核"
	default:
		err = apperr.NotFound("操作")
	}
	if err != nil {
		return web.Refused(r, f, err, func() (web.Answer, error) { return s.showPost(c, f, nil, "") })
	}
	return s.showPost(c, &web.Form{Errors: map[string]string{}, Labels: web.LetterLabels}, rc, msg)
}

// publicComment shows a comment by its code.
func (s *pages) publicComment(c *web.Call) (web.Answer, error) {
	r := c.R
	f := web.NewForm(r)
	f.Labels = web.LetterLabels
	cm, ev, err := s.Public.CommentByCode(r.Context(), auth.ClientIP(r), f.Get("code"))
	if err != nil {
		again := func() (web.Answer, error) {
			return web.View{Status: http.StatusNotFound, Name: "pubtrack.html", Title: "查询评论", Data: publicData{Form: f}}, nil
		}
		if apperr.IsNotFound(err) {
			f.Errors["code"] = "没有找到这个代码对应的评论"
			return again()
		}
		return web.Refused(r, f, err, again)
	}
	return web.View{Name: "pubtrack.html", Title: "我的评论", Data: publicData{Form: f, Followed: &cm, Notices: ev}}, nil
}
