package committee

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"dangjian/internal/apperr"
	"dangjian/internal/clock"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Rules are a committee's periods, each configurable; the defaults name their source.
type Rules struct {
	// SignDays is how long co-signers have to confirm (会签); 7 days is this
	// system's default, set by each committee.
	SignDays int `json:"sign_days"`
	// ObjectDays is how long a unit may object to an assignment: one week
	// (全国政协办公厅《关于政协全国委员会办公厅承办提案工作的若干规定》第六条).
	ObjectDays int `json:"object_days"`
	// OpinionMonths is the co-handler's time for its opinion to the lead: one
	// month, as most local measures on handling proposals set it.
	OpinionMonths int `json:"opinion_months"`
	// ReplyMonths is the time to reply from assignment (three months), and
	// MaxMonths the latest with an extension (six months): the common rule of
	// the measures on handling deputies' suggestions and CPPCC proposals.
	ReplyMonths int `json:"reply_months"`
	MaxMonths   int `json:"max_months"`
	// EvaluateDays is the proposer's time to evaluate a reply (30 days, this
	// system's default); Rehandles how often an unsatisfied proposer may send
	// it back (once).
	EvaluateDays int `json:"evaluate_days"`
	Rehandles    int `json:"rehandles"`
	// ClassD allows the fourth result class.
	ClassD bool `json:"class_d"`
	// Points are the performance record's points by item (DefaultPoints when empty).
	Points map[string]PointRule `json:"points,omitempty"`
	// CasePeriods are the letters-and-visits periods the committee sets
	// (CasePeriods, with their sources, when empty).
	CasePeriods []clock.Period `json:"case_periods,omitempty"`
	// RepeatDays is how far back an earlier letter of the same person or
	// the same text makes a new one a repeat (判重; 180 days when 0).
	RepeatDays int `json:"repeat_days,omitempty"`
	// ReportLimit is how many reports (举报) hide a forum item pending
	// review (3 when 0).
	ReportLimit int `json:"report_limit,omitempty"`
}

// RepeatWindow is how many days back a letter is looked for repeats.
func (r Rules) RepeatWindow() int { return cmp.Or(r.RepeatDays, 180) }

// HideAfter is how many reports hide a post or a comment pending review.
func (r Rules) HideAfter() int { return cmp.Or(r.ReportLimit, 3) }

// DefaultRules are a new committee's rules.
var DefaultRules = Rules{SignDays: 7, ObjectDays: 7, OpinionMonths: 1, ReplyMonths: 3, MaxMonths: 6, EvaluateDays: 30, Rehandles: 1}

// SetRules changes a committee's periods and points (the office); the periods
// in force for parts already assigned stay as they were given.
func (s *Service) SetRules(ctx context.Context, sc store.Scope, committeeID int64, r Rules) (Committee, error) {
	var v apperr.Invalid
	for _, f := range []struct {
		name   string
		n      int
		lo, hi int
		what   string
	}{
		{"sign_days", r.SignDays, 1, 60, "会签天数"}, {"object_days", r.ObjectDays, 1, 60, "申请调整的天数"},
		{"opinion_months", r.OpinionMonths, 1, 12, "会办意见的月数"}, {"reply_months", r.ReplyMonths, 1, 12, "答复的月数"},
		{"max_months", r.MaxMonths, 1, 24, "延期后最长的月数"}, {"evaluate_days", r.EvaluateDays, 1, 90, "评价的天数"}, {"rehandles", r.Rehandles, 0, 3, "可重新办理的次数"},
	} {
		if f.n < f.lo || f.n > f.hi {
			v.Add(f.name, "%s应在 %d 到 %d 之间", f.what, f.lo, f.hi)
		}
	}
	known := map[string]bool{}
	for _, p := range CasePeriods {
		known[p.Key] = true
	}
	for _, p := range r.CasePeriods {
		if !known[p.Key] || p.N < 1 || p.N > 365 || (p.Unit != clock.Days && p.Unit != clock.Workdays && p.Unit != clock.Months) {
			v.Add("case_periods", "信访期限“%s”应为已知的期限,天数在 1 到 365 之间,单位为 day、workday 或 month", p.Key)
		}
	}
	if r.RepeatDays < 0 || r.RepeatDays > 1095 || r.ReportLimit < 0 || r.ReportLimit > 100 {
		v.Add("repeat_days", "判重的天数应在 0 到 1095 之间,举报隐藏的次数在 0 到 100 之间")
	}
	if r.MaxMonths < r.ReplyMonths {
		v.Add("max_months", "延期后最长的月数不应少于答复的月数")
	}
	for item, p := range r.Points {
		if _, ok := Items.Parse(item); !ok {
			v.Add("points", "积分项目“%s”不认识,应为 %s 之一", item, Items.Labels())
		} else if p.Points < -20 || p.Points > 20 || p.Cap < 0 || p.Cap > 100 {
			v.Add("points", "“%s”的积分应在 -20 到 20 之间,年度上限在 0 到 100 之间", Items.Label(item))
		}
	}
	if err := v.Err(); err != nil {
		return Committee{}, err
	}
	var c Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = s.Lookup(ctx, tx, sc, committeeID, "committee"); err != nil {
			return err
		}
		raw, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE committees SET rules = $1 WHERE id = $2", string(raw), c.ID); err != nil {
			return fmt.Errorf("set rules: %w", err)
		}
		before := c.Rules
		c.Rules = r
		return s.Audit(ctx, tx, c, "update", "committee_rules", c.ID, map[string]any{"before": before, "after": r})
	})
	return c, err
}

// Items are the kinds of entries of a member's performance record (履职档案).
var Items = vocab.Enum{
	{Code: "proposal", Label: "提出提案(第一提案者)"},
	{Code: "cosign", Label: "联名提案(附议)"},
	{Code: "filed", Label: "提案立案"},
	{Code: "key", Label: "重点提案"},
	{Code: "inspection", Label: "参加视察"},
	{Code: "research", Label: "参加专题调研"},
	{Code: "supervision", Label: "参加重点提案督办"},
	{Code: "recommendation", Label: "参与建议案"},
	{Code: "plenary", Label: "出席全体会议"},
	{Code: "standing", Label: "出席常委会会议"},
	{Code: "chair", Label: "出席主席会议"},
	{Code: "topic_deliberation", Label: "参加专题议政会"},
	{Code: "topic_consult", Label: "参加专题协商会"},
	{Code: "symposium", Label: "参加座谈会"},
	{Code: "speech", Label: "大会发言"},
	{Code: "opinion", Label: "报送社情民意"},
	{Code: "opinion_adopted", Label: "社情民意被采用"},
	{Code: "opinion_instruction", Label: "社情民意获领导批示"},
	{Code: "excellent", Label: "优秀提案"},
	{Code: "active", Label: "评为履职积极分子"},
	{Code: "leave", Label: "请假"},
	{Code: "absent", Label: "未请假缺席"},
}

// PointRule is how an item counts: points an entry, and at most Cap
// entries a year (0: no cap). A negative value deducts.
type PointRule struct {
	Points int `json:"points"`
	Cap    int `json:"cap"`
}

// DefaultPoints are the points a committee starts with, in the manner of the
// quantified assessment of members' duties (委员履职量化考核) many local
// committees publish; each committee sets its own.
var DefaultPoints = map[string]PointRule{
	"proposal": {2, 10}, "cosign": {1, 10}, "filed": {2, 0}, "key": {5, 0}, "inspection": {2, 0}, "research": {2, 0},
	"supervision": {2, 0}, "recommendation": {3, 0}, "plenary": {3, 0}, "standing": {2, 0}, "chair": {2, 0}, "topic_deliberation": {2, 0}, "topic_consult": {2, 0}, "symposium": {1, 0}, "speech": {3, 0}, "opinion": {1, 20}, "opinion_adopted": {3, 0}, "opinion_instruction": {5, 0}, "excellent": {5, 0}, "active": {0, 0}, "leave": {0, 0}, "absent": {-3, 0},
}

// Points are the performance record's points of c by item: its own, or
// DefaultPoints.
func (c Committee) Points() map[string]PointRule {
	if len(c.Rules.Points) > 0 {
		return c.Rules.Points
	}
	return DefaultPoints
}

// CasePeriods are the periods of a letters-and-visits case, each set by the
// committee; the defaults are those of the 信访工作条例 (2022), counted by the
// Civil Code's rules (the start day not counted, a last day on a holiday
// moved to the next working day).
var CasePeriods = []clock.Period{
	{Key: "accept", Label: "受理告知", N: 15, Unit: clock.Days, Start: "收到信访事项", Source: "《信访工作条例》第二十四条、第二十五条:收到之日起15日内告知是否受理"},
	{Key: "handle", Label: "办理", N: 60, Unit: clock.Days, Start: "受理", Source: "《信访工作条例》第三十二条:自受理之日起60日内办结"},
	{Key: "extend", Label: "延长办理(最多)", N: 30, Unit: clock.Days, Start: "办理期限届满", Source: "《信访工作条例》第三十二条:经本机关、单位负责人批准,延长不得超过30日,并告知延期理由"},
	{Key: "review_window", Label: "请求复查", N: 30, Unit: clock.Days, Start: "收到书面答复", Source: "《信访工作条例》第三十五条:自收到书面答复之日起30日内请求复查"},
	{Key: "review", Label: "复查", N: 30, Unit: clock.Days, Start: "收到复查请求", Source: "《信访工作条例》第三十五条:自收到复查请求之日起30日内提出复查意见"},
	{Key: "recheck_window", Label: "请求复核", N: 30, Unit: clock.Days, Start: "收到复查意见", Source: "《信访工作条例》第三十六条:自收到书面答复之日起30日内请求复核"},
	{Key: "recheck", Label: "复核", N: 30, Unit: clock.Days, Start: "收到复核请求", Source: "《信访工作条例》第三十六条:30日内提出复核意见,听证所需时间不计算在内"},
}

// Periods are a committee's periods by key: the cases', its own over the
// defaults, and its proposals' parts' (the reply and the co-handler's opinion).
func (c Committee) Periods() map[string]clock.Period {
	out := map[string]clock.Period{
		"reply":   {Key: "reply", Label: "提案答复", N: c.Rules.ReplyMonths, Unit: clock.Months, Start: "交办", Source: "本政协的提案办理规则(默认交办之日起3个月)"},
		"opinion": {Key: "opinion", Label: "会办意见", N: c.Rules.OpinionMonths, Unit: clock.Months, Start: "交办", Source: "本政协的提案办理规则(默认交办之日起1个月)"},
	}
	for _, p := range CasePeriods {
		out[p.Key] = p
	}
	for _, p := range c.Rules.CasePeriods {
		if d, ok := out[p.Key]; ok {
			d.N, d.Unit = p.N, p.Unit
			out[p.Key] = d
		}
	}
	return out
}
