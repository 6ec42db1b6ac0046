package public

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"dangjian/internal/apperr"
	"dangjian/internal/auth"
	"dangjian/internal/consultation"
	"dangjian/internal/cppcc"
	"dangjian/internal/forum"
	"dangjian/internal/letters"
	"dangjian/internal/spam"
	"dangjian/internal/store"
)

// Channel holds the defence's state for one server.
type Channel struct {
	Cppcc *consultation.Services
	Work  spam.Work
	// Off turns the proof of work and the classifier off (the bench's
	// baseline); the rate limits stay.
	Off bool
	// Now is the clock of the proof of work (time.Now when nil).
	Now func() time.Time

	once    sync.Once
	filter  *spam.Model
	loadErr error
	// Submits bounds what one address sends (letters, comments, votes);
	// Lookups the receipt codes one address tries (guessing); Codes what
	// is done with one code.
	Submits, Lookups, Codes *auth.Limiter
	spent                   atomic.Int64
}

// New is a channel whose challenges are signed with a key derived from
// the service's secret box (the same on every start).
func New(svc *consultation.Services) *Channel {
	key := []byte(svc.Box.MAC([]byte("dangjian public channel proof of work")))
	return &Channel{Cppcc: svc, Work: spam.Work{Key: key, MaxNumber: 100000, TTL: 10 * time.Minute},
		Submits: auth.NewLimiter(20, 10), Lookups: auth.NewLimiter(30, 20), Codes: auth.NewLimiter(20, 10)}
}

func (c *Channel) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Filter is the classifier: the labelled set and every moderator's
// decision, loaded once; moderators' later decisions are learnt as made.
func (c *Channel) Filter(ctx context.Context) (*spam.Model, error) {
	if c.Off {
		return nil, nil
	}
	c.once.Do(func() { c.filter, c.loadErr = c.Cppcc.Teach(ctx) })
	return c.filter, c.loadErr
}

var (
	errRate  = apperr.New("rate_limited", http.StatusTooManyRequests, "提交过于频繁,请稍后再试")
	errCodes = apperr.New("rate_limited", http.StatusTooManyRequests, "查询过于频繁,请一分钟后再试")
	errWork  = apperr.New("proof_of_work", http.StatusBadRequest, "安全验证未完成或已过期,请稍候片刻让页面完成验证,或刷新页面后重新提交")
)

// Challenge is a fresh proof-of-work challenge.
func (c *Channel) Challenge() spam.Challenge { return c.Work.New(c.now()) }

// submit spends one submission of the address (of its /64 for IPv6).
func (c *Channel) submit(ip string) error {
	if !c.Submits.Allow(auth.AddressKey(ip)) {
		return errRate
	}
	return nil
}

// check spends one submission of the address and verifies the proof of
// work; the context it returns carries the proof, spent with what is stored.
func (c *Channel) check(ctx context.Context, ip, proof string) (context.Context, error) {
	if err := c.submit(ip); err != nil {
		return ctx, err
	}
	if c.Off {
		return ctx, nil
	}
	key, err := c.Work.Verify(proof, c.now())
	if err != nil {
		return ctx, errWork
	}
	if c.spent.Add(1)%1000 == 0 { // now and then, the expired proofs are forgotten
		if err := c.Cppcc.SweepProofs(ctx); err != nil {
			return ctx, err
		}
	}
	return cppcc.WithProof(ctx, key, c.now().Add(c.Work.TTL)), nil
}

// lookup spends one look-up of the address and of the code (in the form
// the look-up reads it).
func (c *Channel) lookup(ip, code string) error {
	if !c.Lookups.Allow(auth.AddressKey(ip)) || !c.Codes.Allow(cppcc.NormalizeReceipt(code)) {
		return errCodes
	}
	return nil
}

// Submit takes a letter from the public form.
func (c *Channel) Submit(ctx context.Context, ip, proof string, in letters.CaseInput) (letters.Receipt, error) {
	ctx, err := c.check(ctx, ip, proof)
	if err != nil {
		return letters.Receipt{}, err
	}
	f, err := c.Filter(ctx)
	if err != nil {
		return letters.Receipt{}, err
	}
	return c.Cppcc.Letters.SubmitPublic(ctx, in, f)
}

// Track is a letter by its receipt code.
func (c *Channel) Track(ctx context.Context, ip, code string) (letters.Tracked, error) {
	if err := c.lookup(ip, code); err != nil {
		return letters.Tracked{}, err
	}
	return c.Cppcc.Letters.Track(ctx, code)
}

// Answer is the sender's step with the receipt code.
func (c *Channel) Answer(ctx context.Context, ip, code string, in letters.CaseAction) (letters.Tracked, error) {
	if err := c.lookup(ip, code); err != nil {
		return letters.Tracked{}, err
	}
	return c.Cppcc.Letters.Answer(ctx, code, in)
}

// Comment is a visitor's comment on a forum post.
func (c *Channel) Comment(ctx context.Context, ip, proof string, committee, post int64, in forum.CommentInput) (forum.CommentReceipt, error) {
	ctx, err := c.check(ctx, ip, proof)
	if err != nil {
		return forum.CommentReceipt{}, err
	}
	f, err := c.Filter(ctx)
	if err != nil {
		return forum.CommentReceipt{}, err
	}
	return c.Cppcc.Forum.AddComment(ctx, committee, post, in, f)
}

// CommentByCode is a comment as its author follows it.
func (c *Channel) CommentByCode(ctx context.Context, ip, code string) (forum.Comment, []cppcc.Event, error) {
	if err := c.lookup(ip, code); err != nil {
		return forum.Comment{}, nil, err
	}
	return c.Cppcc.Forum.CommentByCode(ctx, code)
}

// Vote is a visitor's support or rating of a post, once an address (a /64
// for IPv6).
func (c *Channel) Vote(ctx context.Context, ip string, committee, post int64, kind string, value int) (forum.Post, error) {
	if err := c.submit(ip); err != nil {
		return forum.Post{}, err
	}
	return c.Cppcc.Forum.Vote(ctx, committee, post, auth.AddressKey(ip), kind, value)
}

// Report is a visitor's report of a post or a comment, once an address.
func (c *Channel) Report(ctx context.Context, ip string, committee int64, object string, id int64) error {
	if err := c.submit(ip); err != nil {
		return err
	}
	return c.Cppcc.Forum.Report(ctx, committee, object, id, auth.AddressKey(ip))
}

// Moderate is a moderator's decision, which the filter learns.
func (c *Channel) Moderate(ctx context.Context, sc store.Scope, committee int64, object string, id int64, in forum.ModerateInput) error {
	f, err := c.Filter(ctx)
	if err != nil {
		return err
	}
	return c.Cppcc.Forum.Moderate(ctx, sc, committee, object, id, in, f)
}

// Decide is the office's step on a case (a junk or a release is learnt).
func (c *Channel) Decide(ctx context.Context, sc store.Scope, id int64, in letters.CaseAction) (letters.Case, error) {
	f, err := c.Filter(ctx)
	if err != nil {
		return letters.Case{}, err
	}
	return c.Cppcc.Letters.Decide(ctx, sc, id, in, f)
}
