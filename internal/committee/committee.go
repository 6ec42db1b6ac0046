package committee

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/date"
	"dangjian/internal/secret"
	"dangjian/internal/store"
	"dangjian/internal/vocab"
)

// Service keeps the committees. Every function takes the caller's scope,
// a part of the committees' tree.
type Service struct {
	DB  *store.DB
	Box *secret.Box
	Now func() time.Time
	// nodes keeps what never changes of a node of the committees' tree
	// (its path and kind: nodes are never moved), id → node.
	nodes sync.Map
}

// Node is what never changes of a node of the committees' tree.
type Node struct {
	Path, Kind, Name string
}

// NodeIn is a node of kind in scope, from the cache of nodes (read once).
func (s *Service) NodeIn(ctx context.Context, sc store.Scope, id int64, kind string) (Node, error) {
	v, ok := s.nodes.Load(id)
	if !ok {
		var n Node
		err := s.DB.QueryRowContext(ctx, "SELECT path, kind, name FROM committees WHERE id = $1", id).Scan(&n.Path, &n.Kind, &n.Name)
		if err != nil && !apperr.IsNotFound(err) {
			return Node{}, fmt.Errorf("read committee node: %w", err)
		}
		if err == nil {
			s.nodes.Store(id, n)
		}
		v = n
	}
	n := v.(Node)
	lo, hi := sc.Range()
	if n.Kind != kind || n.Path < lo || n.Path >= hi || !sc.Contains(n.Path) {
		return Node{}, apperr.NotFound(map[string]string{"committee": "政协", "unit": "承办单位"}[kind])
	}
	return n, nil
}

func (s *Service) now() time.Time { return store.Now(s.Now) }

// Today is the service's date in Beijing.
func (s *Service) Today() date.Date { return date.Of(s.now()) }

// Committee is a node of the committees' tree: a committee or a handling unit.
type Committee struct {
	ID       int64  `json:"id"`
	ParentID *int64 `json:"parent_id"`
	Path     string `json:"-"`
	Kind     string `json:"kind"`
	Level    string `json:"level"`
	Name     string `json:"name"`
	Rules    Rules  `json:"rules"`
}

// PartyCommittee names the Party committee a committee works under, from
// the locality its name carries (江城市政协, 政协江城市委员会, 中国人民政治
// 协商会议江城市委员会): 中共江城市委, 中共江南省委, 中共中央 for the
// national one; 中共广西壮族自治区委员会 for an autonomous region, and the
// full 中共…委员会 where the locality has no 省/市/县/区/州/旗/盟 to shorten;
// 同级党委 when the name carries no locality.
func (c Committee) PartyCommittee() string {
	if c.Level == "national" {
		return "中共中央"
	}
	loc := strings.TrimPrefix(strings.TrimPrefix(c.Name, "中国人民政治协商会议"), "政协")
	loc = strings.TrimSuffix(strings.TrimSuffix(loc, "委员会"), "政协")
	switch {
	case loc == "全国":
		return "中共中央"
	case loc == "":
		return "同级党委"
	case strings.HasSuffix(loc, "自治区"):
		return "中共" + loc + "委员会"
	}
	for _, end := range []string{"省", "市", "县", "区", "州", "旗", "盟"} {
		if strings.HasSuffix(loc, end) {
			return "中共" + loc + "委"
		}
	}
	return "中共" + loc + "委员会"
}

// CommitteeLevels are the levels of committees, the national one first.
var CommitteeLevels = vocab.Enum{{Code: "national", Label: "全国"}, {Code: "province", Label: "省级"}, {Code: "city", Label: "市级"}, {Code: "county", Label: "县级"}}

const committeeCols = "id, parent_id, path, kind, level, name, rules"

func scanCommittee(sc store.Scanner) (Committee, error) {
	var c Committee
	var parent sql.NullInt64
	var rules string
	if err := sc.Scan(&c.ID, &parent, &c.Path, &c.Kind, &c.Level, &c.Name, &rules); err != nil {
		return c, err
	}
	if parent.Valid {
		c.ParentID = &parent.Int64
	}
	c.Rules = DefaultRules
	return c, json.Unmarshal([]byte(rules), &c.Rules)
}

// Province is the distribution value of a committee's rows.
func (c Committee) Province() int64 { return store.ProvinceOf(c.Path) }

// Lookup reads a node of kind in scope.
func (s *Service) Lookup(ctx context.Context, q store.Querier, sc store.Scope, id int64, kind string) (Committee, error) {
	lo, hi := sc.Range()
	c, err := scanCommittee(q.QueryRowContext(ctx, "SELECT "+committeeCols+" FROM committees WHERE id = $1 AND kind = $2 AND path >= $3 AND path < $4"+sc.Exact("path"),
		id, kind, lo, hi))
	if apperr.IsNotFound(err) {
		return c, apperr.NotFound(map[string]string{"committee": "政协", "unit": "承办单位"}[kind])
	}
	if err != nil {
		return c, fmt.Errorf("look up committee: %w", err)
	}
	return c, nil
}

// InputCommittee is the committee a request names in its body, in scope;
// a committee out of scope is a wrong field of the request.
func (s *Service) InputCommittee(ctx context.Context, q store.Querier, sc store.Scope, id int64) (Committee, error) {
	c, err := s.Lookup(ctx, q, sc, id, "committee")
	if apperr.IsNotFound(err) {
		return c, apperr.InvalidField("committee_id", "政协不存在或不在您的范围内")
	}
	return c, err
}

// Committee returns a committee in scope.
func (s *Service) Committee(ctx context.Context, sc store.Scope, id int64) (Committee, error) {
	return s.Lookup(ctx, s.DB, sc, id, "committee")
}

// PublicCommittee is a committee by id for a visitor, its name and id for
// the public pages (no scope: the forum and the public forms are public).
func (s *Service) PublicCommittee(ctx context.Context, id int64) (Committee, error) {
	c, err := s.Lookup(ctx, s.DB, store.All, id, "committee")
	if apperr.IsNotFound(err) {
		return c, apperr.NotFound("政协")
	}
	return c, err
}

// Committees lists the committees in scope, the tree's order.
func (s *Service) Committees(ctx context.Context, sc store.Scope) ([]Committee, error) {
	lo, hi := sc.Range()
	out, err := store.Query(ctx, s.DB, scanCommittee, "SELECT "+committeeCols+" FROM committees WHERE kind = 'committee' AND path >= $1 AND path < $2"+sc.Exact("path")+
		" ORDER BY path LIMIT 200", lo, hi)
	if err != nil {
		return nil, fmt.Errorf("list committees: %w", err)
	}
	return out, nil
}

// MaxNodes bounds the committees and units Nodes lists.
const MaxNodes = 1000

// Nodes lists the committees' tree in its order, committees and their
// units, at most MaxNodes (for the security administrator's grant form).
func (s *Service) Nodes(ctx context.Context) ([]Committee, error) {
	out, err := store.Query(ctx, s.DB, scanCommittee, "SELECT "+committeeCols+" FROM committees ORDER BY path LIMIT "+strconv.Itoa(MaxNodes))
	if err != nil {
		return nil, fmt.Errorf("list committee nodes: %w", err)
	}
	return out, nil
}

// CommitteeOf is the committee whose scope a caller holds: the committee
// itself, or the committee of a handling unit.
func (s *Service) CommitteeOf(ctx context.Context, sc store.Scope) (Committee, error) {
	ids := store.PathIDs(sc.Path)
	for i := len(ids) - 1; i >= 0; i-- {
		c, err := s.Lookup(ctx, s.DB, store.All, ids[i], "committee")
		if err == nil || !apperr.IsNotFound(err) {
			return c, err
		}
	}
	return Committee{}, apperr.NotFound("政协")
}

// NewCommittee creates a committee (below parent, or a root) with the
// default lists; an operator's task (the command line, the demo).
func (s *Service) NewCommittee(ctx context.Context, parent *int64, name, level string) (Committee, error) {
	var c Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.createCommittee(ctx, tx, parent, name, level)
		return err
	})
	return c, err
}

// CommitteeInput is a lower committee as the office of the one above registers it.
type CommitteeInput struct {
	ParentID int64  `json:"parent_id"`
	Name     string `json:"name"`
	Level    string `json:"level"`
}

// NewLowerCommittee creates, below a committee in scope, a committee of a
// lower level (a city's county committees) with the default lists.
func (s *Service) NewLowerCommittee(ctx context.Context, sc store.Scope, parentID int64, name, level string) (Committee, error) {
	var c Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		parent, err := s.Lookup(ctx, tx, sc, parentID, "committee")
		if apperr.IsNotFound(err) {
			return apperr.InvalidField("parent_id", "请从您范围内的政协中选择上级政协")
		}
		if err != nil {
			return err
		}
		if l, ok := CommitteeLevels.Parse(level); ok && CommitteeLevels.Index(l) <= CommitteeLevels.Index(parent.Level) {
			return apperr.InvalidField("level", "下级政协的层级应低于%s(%s政协)", parent.Name, CommitteeLevels.Label(parent.Level))
		}
		c, err = s.createCommittee(ctx, tx, &parent.ID, name, level)
		return err
	})
	return c, err
}

func (s *Service) createCommittee(ctx context.Context, tx *sql.Tx, parent *int64, name, level string) (Committee, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return Committee{}, apperr.InvalidField("name", "政协名称不能为空,且不超过 60 个字")
	}
	level, ok := CommitteeLevels.Parse(level)
	if !ok {
		return Committee{}, apperr.InvalidField("level", "政协层级应为%s之一", CommitteeLevels.Labels())
	}
	var dup int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM committees WHERE kind = 'committee' AND name = $1", name).Scan(&dup); err != nil {
		return Committee{}, fmt.Errorf("create committee: %w", err)
	}
	if dup > 0 {
		return Committee{}, apperr.InvalidField("name", "“%s”已经登记过", name)
	}
	c, err := s.insertNode(ctx, tx, parent, "committee", level, name)
	if err != nil {
		return c, err
	}
	for list, names := range map[string][]string{"sector": DefaultSectors, "category": DefaultCategories} {
		for i, n := range names {
			if _, err := tx.ExecContext(ctx, "INSERT INTO cppcc_lists (committee_id, list, name, position) VALUES ($1, $2, $3, $4)", c.ID, list, n, i+1); err != nil {
				return c, fmt.Errorf("create committee: %w", err)
			}
		}
	}
	return c, s.Audit(ctx, tx, c, "create", "committee", c.ID, map[string]any{"name": name, "level": level})
}

func (s *Service) insertNode(ctx context.Context, tx *sql.Tx, parent *int64, kind, level, name string) (Committee, error) {
	parentPath := "/"
	if parent != nil {
		if err := tx.QueryRowContext(ctx, "SELECT path FROM committees WHERE id = $1 AND kind = 'committee'", *parent).Scan(&parentPath); err != nil {
			if apperr.IsNotFound(err) {
				return Committee{}, apperr.InvalidField("parent_id", "上级政协不存在")
			}
			if err != nil {
				return Committee{}, fmt.Errorf("insert committee node: %w", err)
			}
			return Committee{}, nil
		}
	}
	rules, _ := json.Marshal(DefaultRules)
	var id int64
	if err := tx.QueryRowContext(ctx, "INSERT INTO committees (parent_id, path, kind, level, name, rules, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
		parent, store.TempKey(), kind, level, name, string(rules), s.now()).Scan(&id); err != nil {
		if err != nil {
			return Committee{}, fmt.Errorf("insert committee node: %w", err)
		}
		return Committee{}, nil
	}
	path := store.ChildPath(parentPath, id)
	if _, err := tx.ExecContext(ctx, "UPDATE committees SET path = $1 WHERE id = $2", path, id); err != nil {
		return Committee{}, fmt.Errorf("insert committee node: %w", err)
	}
	return Committee{ID: id, ParentID: parent, Path: path, Kind: kind, Level: level, Name: name, Rules: DefaultRules}, nil
}

// NewUnit registers a handling unit (承办单位) of a committee in scope.
func (s *Service) NewUnit(ctx context.Context, sc store.Scope, committeeID int64, name string) (Committee, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return Committee{}, apperr.InvalidField("name", "承办单位名称不能为空,且不超过 60 个字")
	}
	var u Committee
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.Lookup(ctx, tx, sc, committeeID, "committee")
		if err != nil {
			return err
		}
		var dup int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM committees WHERE parent_id = $1 AND kind = 'unit' AND name = $2", c.ID, name).Scan(&dup); err != nil {
			return fmt.Errorf("new unit: %w", err)
		}
		if dup > 0 {
			return apperr.InvalidField("name", "承办单位“%s”已经登记过", name)
		}
		if u, err = s.insertNode(ctx, tx, &c.ID, "unit", "", name); err != nil {
			return err
		}
		return s.Audit(ctx, tx, c, "create", "cppcc_unit", u.ID, map[string]any{"name": name})
	})
	return u, err
}

// Units lists a committee's handling units.
func (s *Service) Units(ctx context.Context, sc store.Scope, committeeID int64) ([]Committee, error) {
	c, err := s.Lookup(ctx, s.DB, sc, committeeID, "committee")
	if err != nil {
		return nil, err
	}
	return s.UnitsOf(ctx, s.DB, c.ID)
}

// UnitsOf lists the handling units of a committee, by name, read by q.
func (s *Service) UnitsOf(ctx context.Context, q store.Querier, committeeID int64) ([]Committee, error) {
	out, err := store.Query(ctx, q, scanCommittee, "SELECT "+committeeCols+" FROM committees WHERE parent_id = $1 AND kind = 'unit' ORDER BY name", committeeID)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}

// Audit records a change of the consultative work. Its entry names no
// organisation path (a committee's path is of another tree) but the
// committee, and is kept in the committee's province.
func (s *Service) Audit(ctx context.Context, tx *sql.Tx, c Committee, action, object string, id int64, detail map[string]any) error {
	detail["committee_id"] = c.ID
	return audit.Record(ctx, s.DB, tx, audit.Event{Action: action, ObjectType: object, ObjectID: id, Detail: detail})
}

func itoa(n int) string { return strconv.Itoa(n) }
