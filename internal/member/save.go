package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"dangjian/internal/apperr"
	"dangjian/internal/audit"
	"dangjian/internal/org"
	"dangjian/internal/pinyin"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// Create adds a person to an organisation in scope.
func (s *Service) Create(ctx context.Context, sc store.Scope, in Input) (Member, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, sc, in)
		return err
	})
	if err != nil {
		return Member{}, err
	}
	return s.Get(ctx, sc, id)
}

// insert validates and stores a new person inside tx, with the figures.
func (s *Service) insert(ctx context.Context, tx *sql.Tx, sc store.Scope, in Input) (int64, error) {
	m, err := s.prepare(ctx, tx, sc, in)
	if err != nil {
		return 0, err
	}
	if err := s.checkUnique(ctx, tx, m.IDNumber); err != nil {
		return 0, err
	}
	p, err := s.sealed(m)
	if err != nil {
		return 0, err
	}
	taken, err := s.insertAll(ctx, tx, []*newPerson{p})
	if err != nil {
		return 0, err
	}
	if len(taken) > 0 {
		return 0, idConflict(errors.New("id_hash"))
	}
	return p.ID, nil
}

// prepare checks a new person, reading their organisation from q, and
// makes everything stored and shown of them but the id. When only the ID
// number is valid, the Member returned still carries it.
func (s *Service) prepare(ctx context.Context, q store.Querier, sc store.Scope, in Input) (Member, error) {
	m := Member{Status: StatusActive}
	var v apperr.Invalid
	apply(&m, in, true, s.today(), &v)
	if in.OrgID == nil {
		v.Add("org_id", "请选择所在党组织")
	} else if p, err := orgPlace(ctx, q, sc, *in.OrgID); err != nil {
		return m, err
	} else if p.path == "" {
		v.Add("org_id", "所在党组织不存在或不在您的管理范围内")
	} else {
		m.OrgID, m.OrgName, m.OrgPath = *in.OrgID, p.name, p.path
	}
	if err := v.Err(); err != nil {
		return m, err
	}
	if err := s.checkUnit(ctx, q, sc, m); err != nil {
		return m, err
	}
	m.Pinyin, m.Initials = pinyin.Name(m.Name)
	m.derive()
	return m, nil
}

// newPerson is a person checked for adding, with what is stored and
// recorded of them encoded.
type newPerson struct {
	Member
	hashes          []string // of the ID number under every key of the ring, newest first
	idEnc, phoneEnc string
	creation        audit.Creation
}

func (s *Service) sealed(m Member) (*newPerson, error) {
	c, err := audit.NewCreation(m)
	return &newPerson{Member: m, hashes: s.Box.Hashes(m.IDNumber), idEnc: s.Box.Seal(m.IDNumber), phoneEnc: s.Box.Seal(m.Phone), creation: c}, err
}

// personCols are the columns of a new person, in the order of insertAll's rows.
var personCols = []string{"org_id", "province_id", "name", "name_pinyin", "name_initials", "sex", "ethnicity",
	"id_hash", "id_enc", "birth_date", "education", "phone_enc", "occupation", "post", "unit_id", "stage", "status",
	"applied_on", "activist_on", "candidate_on", "joined_on", "full_on", "probation_ends_on", "created_at", "updated_at",
	"id_tail4", "id_tail6", "id_head6", "phone_hash"}

// copyPeople writes batch with COPY when the transaction allows it (an
// import on PostgreSQL, store.BulkTx), their ids taken from the sequence
// first, and tells whether it did.
func (s *Service) copyPeople(ctx context.Context, tx *sql.Tx, batch []*newPerson, rowOf func(*newPerson) []any) (bool, error) {
	if s.DB.Dialect != store.Postgres || !store.CanCopy(ctx) {
		return false, nil
	}
	ids, err := store.Query(ctx, tx, func(sc store.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, "SELECT nextval(pg_get_serial_sequence('members', 'id')) FROM generate_series(1, $1)", len(batch))
	if err != nil {
		return false, fmt.Errorf("copy people: %w", err)
	}
	rows := make([][]any, len(batch))
	for i, m := range batch {
		m.ID = ids[i]
		rows[i] = append([]any{m.ID}, rowOf(m)...)
	}
	return store.Copy(ctx, "members", append([]string{"id"}, personCols...), rows)
}

// insertBatch is how many people one INSERT statement stores.
const insertBatch = 500

// insertAll stores the checked people ps inside tx in multi-row
// statements, setting their ids, with their figures and audit entries. A
// person whose ID number is on the roster by then is left out: insertAll
// returns their indexes in ps.
func (s *Service) insertAll(ctx context.Context, tx *sql.Tx, ps []*newPerson) ([]int, error) {
	now := s.now()
	stored := make([]bool, len(ps))
	for start := 0; start < len(ps); start += insertBatch {
		all := ps[start:min(start+insertBatch, len(ps))]
		// The numbers are registered first: the registry's key holds over
		// the whole country; a number taken (or twice in the batch) is
		// left out, the first of a batch kept.
		var rb strings.Builder
		rb.WriteString("INSERT INTO id_numbers (id_hash, province_id) VALUES ")
		s.DB.Values(&rb, len(all), 2)
		rb.WriteString(" ON CONFLICT (id_hash) DO NOTHING RETURNING id_hash")
		rargs := make([]any, 0, 2*len(all))
		for _, m := range all {
			rargs = append(rargs, m.hashes[0], store.ProvinceOf(m.OrgPath))
		}
		free, err := store.Query(ctx, tx, func(sc store.Scanner) (string, error) {
			var h string
			return h, sc.Scan(&h)
		}, rb.String(), rargs...)
		if err != nil {
			return nil, fmt.Errorf("insert people: %w", err)
		}
		isFree := make(map[string]bool, len(free))
		for _, h := range free {
			isFree[h] = true
		}
		var batch []*newPerson
		for _, m := range all {
			if isFree[m.hashes[0]] {
				batch = append(batch, m)
				delete(isFree, m.hashes[0])
			}
		}
		if len(batch) == 0 {
			continue
		}
		byHash := make(map[string]int, len(batch))
		for i, m := range all {
			if _, seen := byHash[m.hashes[0]]; !seen {
				byHash[m.hashes[0]] = start + i
			}
		}
		rowOf := func(m *newPerson) []any {
			m.CreatedAt, m.UpdatedAt = now, now
			return append([]any{m.OrgID, store.ProvinceOf(m.OrgPath), m.Name, m.Pinyin, m.Initials, m.Sex, m.Ethnicity,
				m.hashes[0], m.idEnc, m.BirthDate, m.Education, m.phoneEnc, m.Occupation, m.Post,
				unitArg(m.UnitID), m.Stage, m.Status, m.AppliedOn, m.ActivistOn, m.CandidateOn, m.JoinedOn, m.FullOn, m.ProbationEndsOn, now, now},
				s.partHashes(m.IDNumber, m.Phone)...)
		}
		copied, err := s.copyPeople(ctx, tx, batch, rowOf)
		if err != nil {
			return nil, err
		}
		if copied {
			for _, m := range batch {
				stored[byHash[m.hashes[0]]] = true
			}
			continue
		}
		var sb strings.Builder
		sb.WriteString("INSERT INTO members (" + strings.Join(personCols, ", ") + ") VALUES ")
		s.DB.Values(&sb, len(batch), len(personCols))
		sb.WriteString(" RETURNING id, id_hash")
		args := make([]any, 0, len(personCols)*len(batch))
		for _, m := range batch {
			args = append(args, rowOf(m)...)
		}
		rows, err := store.BulkQuery(ctx, tx, sb.String(), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var h string
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				if err != nil {
					return nil, fmt.Errorf("insert people: %w", err)
				}
				return nil, nil
			}
			i := byHash[h]
			ps[i].ID, stored[i] = id, true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	// The figures of each organisation once, in path order (the order concurrent writers lock them in).
	var taken []int
	byPath := map[string]stats.Delta{}
	for i, m := range ps {
		if !stored[i] {
			taken = append(taken, i)
			continue
		}
		if byPath[m.OrgPath] == nil {
			byPath[m.OrgPath] = stats.Delta{}
		}
		byPath[m.OrgPath].Add(stats.PersonKeys(m.facts()), 1)
	}
	for _, path := range slices.Sorted(maps.Keys(byPath)) {
		if err := stats.ApplyPath(ctx, s.DB, tx, path, byPath[path]); err != nil {
			return nil, err
		}
	}
	for i, m := range ps {
		if stored[i] {
			if err := audit.Create(ctx, s.DB, tx, "create", "member", m.ID, m.OrgPath, m.creation); err != nil {
				return nil, err
			}
		}
	}
	return taken, nil
}

type orgCacheKey struct{}

// place is the name and path of the organisation people are put in.
type place struct{ name, path string }

// CacheOrgs returns a context in which the organisations new people are
// placed in are looked up once (an import places thousands in a few).
func CacheOrgs(ctx context.Context) context.Context {
	return context.WithValue(ctx, orgCacheKey{}, &sync.Map{})
}

// orgPlace is the name and path of a live organisation in scope, or a
// zero place if there is none.
func orgPlace(ctx context.Context, q store.Querier, sc store.Scope, id int64) (place, error) {
	cache, _ := ctx.Value(orgCacheKey{}).(*sync.Map)
	if cache != nil {
		if p, ok := cache.Load(id); ok && sc.Contains(p.(place).path) {
			return p.(place), nil
		}
	}
	name, path, err := org.NamePathIn(ctx, q, sc, id, true)
	p := place{name, path}
	if path != "" && cache != nil {
		cache.Store(id, p)
	}
	return p, err
}
