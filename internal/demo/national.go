package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"dangjian/internal/cnid"
	"dangjian/internal/date"
	"dangjian/internal/org"
	"dangjian/internal/pinyin"
	"dangjian/internal/secret"
	"dangjian/internal/stats"
	"dangjian/internal/store"
)

// The 31 provincial-level divisions, with the first two digits of their ID numbers.
var provinces = []struct {
	name, code string
}{
	{"北京市委", "11"}, {"天津市委", "12"}, {"河北省委", "13"}, {"山西省委", "14"}, {"内蒙古自治区党委", "15"},
	{"辽宁省委", "21"}, {"吉林省委", "22"}, {"黑龙江省委", "23"}, {"上海市委", "31"}, {"江苏省委", "32"},
	{"浙江省委", "33"}, {"安徽省委", "34"}, {"福建省委", "35"}, {"江西省委", "36"}, {"山东省委", "37"},
	{"河南省委", "41"}, {"湖北省委", "42"}, {"湖南省委", "43"}, {"广东省委", "44"}, {"广西壮族自治区党委", "45"},
	{"海南省委", "46"}, {"重庆市委", "50"}, {"四川省委", "51"}, {"贵州省委", "52"}, {"云南省委", "53"},
	{"西藏自治区党委", "54"}, {"陕西省委", "61"}, {"甘肃省委", "62"}, {"青海省委", "63"}, {"宁夏回族自治区党委", "64"},
	{"新疆维吾尔自治区党委", "65"},
}

// placeChars make place names of two characters, as most Chinese places have.
var placeChars = []rune("安宁平江山阳昌兴华东南西北泉州德清河湖城新丰永庆长春武荣明光溪桥林岭丘源泽塘坪沙石金玉龙凤宝福寿康乐和顺通广远定海滨云")

// NationalOptions size the generated country.
type NationalOptions struct {
	Members int
	Seed    uint64
	Today   time.Time
	// Progress is told how many organisations and members are written so
	// far; orgs is -1 once every row is in and the indexes are being built.
	Progress func(orgs, members int)
}

// nation writes the generated country in large batches, keeping figures in memory.
type nation struct {
	ctx        context.Context
	db         *store.DB
	box        *secret.Box
	r          *rand.Rand
	opt        NationalOptions
	w          *writer // the one connection the rows go through, in transactions begun by hand (see begin)
	orgsB      *batch
	membersB   *batch
	unitsB     *batch
	mobileB    *batch
	idsB       *batch
	statsB     *batch
	nextOrg    int64
	nextMember int64
	nextUnit   int64
	nextMobile int64
	written    int // members so far
	orgCount   int
	provSeq    map[string]int
	today      date.Date
	now        time.Time
	sinceTx    int
}

// National fills an empty database with opt.Members people in a tree shaped
// like the whole Party: a root, the 31 provinces, cities, counties, streets
// and townships, communities, villages and enterprises, and their branches,
// about 19 people a branch. It writes the figures of every organisation
// itself, so "dangjian check" proves them.
func National(ctx context.Context, db *store.DB, box *secret.Box, opt NationalOptions) (Summary, error) {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
		return Summary{}, err
	}
	if n > 0 {
		return Summary{}, fmt.Errorf("the database already holds organisations; demo data goes only into an empty database")
	}
	if opt.Today.IsZero() {
		opt.Today = time.Now()
	}
	g := &nation{ctx: ctx, db: db, box: box, r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x6e6174)), opt: opt,
		provSeq: map[string]int{}, today: date.Of(opt.Today), now: opt.Today.UTC()}
	// One connection for the whole load: on SQLite without waiting for the
	// disk at each commit (a failed generation is simply run again), and
	// with the secondary indexes of the bulk tables built once at the end,
	// in order, instead of row by row in random order.
	conn, err := db.Conn(ctx)
	if err != nil {
		return Summary{}, err
	}
	defer conn.Close()
	if db.Dialect == store.SQLite {
		// threads: the sorts of the index builds at the end use the second core.
		if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA threads = 2"); err != nil {
			return Summary{}, err
		}
		defer func() {
			_, _ = conn.ExecContext(context.Background(), "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000; PRAGMA threads = 0")
		}()
	}
	indexes, err := dropIndexes(ctx, conn, db.Dialect, "members", "units", "mobile_records")
	if err != nil {
		return Summary{}, err
	}
	w := startWriter(conn)
	g.w = w
	g.orgsB = newBatch(db, w, "orgs", "id", "parent_id", "path", "depth", "name", "code", "type", "secretary", "founded_on", "created_at", "updated_at")
	g.membersB = newBatch(db, w, "members", "id", "org_id", "province_id", "name", "name_pinyin", "name_initials", "sex", "ethnicity", "id_hash", "id_enc",
		"birth_date", "education", "phone_enc", "occupation", "post", "unit_id", "stage", "status", "applied_on", "activist_on", "candidate_on",
		"joined_on", "full_on", "probation_ends_on", "mobile_out", "created_at", "updated_at")
	g.unitsB = newBatch(db, w, "units", "id", "org_id", "name", "type", "non_public", "staff", "party_members", "covering_org_id", "created_at", "updated_at")
	g.mobileB = newBatch(db, w, "mobile_records", "id", "kind", "org_id", "member_id", "name", "relation_place", "present_place", "contact", "since", "created_at", "province_id")
	g.idsB = newBatch(db, w, "id_numbers", "id_hash", "province_id")
	g.statsB = newBatch(db, w, "org_stats", "province_id", "org_id", "k", "n")
	g.unitsB.after = []*batch{g.orgsB}
	g.membersB.after = []*batch{g.orgsB, g.unitsB}
	g.mobileB.after = []*batch{g.membersB}
	g.statsB.after = []*batch{g.orgsB}
	sum, err := g.load()
	if ferr := w.finish(); err == nil {
		err = ferr
	}
	for _, b := range []*batch{g.orgsB, g.unitsB, g.membersB, g.mobileB, g.statsB, g.idsB} {
		b.close()
	}
	if err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
	}
	sum.Orgs, sum.Members = g.orgCount, g.written
	if opt.Progress != nil {
		opt.Progress(-1, g.written)
	}
	// The indexes are built again even after a failure: the schema stays whole.
	for _, ddl := range indexes {
		if _, ierr := conn.ExecContext(context.Background(), ddl); ierr != nil && err == nil {
			err = fmt.Errorf("build index: %w", ierr)
		}
	}
	return sum, err
}

// load queues the whole country in transactions of its own.
func (g *nation) load() (Summary, error) {
	if err := g.begin(); err != nil {
		return Summary{}, err
	}
	sum, err := g.country()
	if err != nil {
		return sum, err
	}
	if err := g.flushAll(); err != nil {
		return sum, err
	}
	if g.db.Dialect == store.Postgres {
		for _, t := range []string{"orgs", "members", "units", "mobile_records"} {
			if err := g.w.exec(g.ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM "+t+"))"); err != nil {
				return sum, err
			}
		}
	}
	return sum, g.w.exec(g.ctx, "COMMIT")
}

// flushAll queues every row collected.
func (g *nation) flushAll() error {
	for _, b := range []*batch{g.orgsB, g.unitsB, g.membersB, g.mobileB, g.statsB, g.idsB} {
		if err := b.flush(g.ctx); err != nil {
			return err
		}
	}
	return nil
}

// dropIndexes drops the secondary indexes of tables (not those behind
// constraints) and returns the statements that build them again.
func dropIndexes(ctx context.Context, conn *sql.Conn, dialect store.Dialect, tables ...string) ([]string, error) {
	in := "'" + strings.Join(tables, "', '") + "'"
	query := "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (" + in + ") ORDER BY name"
	if dialect == store.Postgres {
		query = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (` + in + `)
			AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`
	}
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	var names, ddl []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, ddl = append(names, name), append(ddl, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := conn.ExecContext(ctx, "DROP INDEX "+n); err != nil {
			return nil, err
		}
	}
	return ddl, nil
}

// maybeCommit queues the rows collected and, every so many members, a
// commit, so that a large generation does not hold one huge transaction.
func (g *nation) maybeCommit() error {
	if g.sinceTx < 200000 {
		return nil
	}
	if err := g.flushAll(); err != nil {
		return err
	}
	if err := g.w.exec(g.ctx, "COMMIT"); err != nil {
		return err
	}
	g.sinceTx = 0
	return g.begin()
}

// begin starts a transaction on the generator's connection by hand: the
// statements prepared on the connection are then used as they are, where
// a database/sql transaction would prepare them again at every use.
func (g *nation) begin() error {
	stmt := "BEGIN"
	if g.db.Dialect == store.SQLite {
		stmt = "BEGIN IMMEDIATE"
	}
	return g.w.exec(g.ctx, stmt)
}

func (g *nation) place() string {
	return string(placeChars[g.r.IntN(len(placeChars))]) + string(placeChars[g.r.IntN(len(placeChars))])
}

// newOrg queues an organisation and returns its id and path.
func (g *nation) newOrg(parentID int64, parentPath string, depth int, name, typ string) (int64, string, error) {
	g.nextOrg++
	id := g.nextOrg
	path := store.ChildPath(parentPath, id)
	var parent any
	if parentID != 0 {
		parent = parentID
	}
	g.orgCount++
	founded := date.New(1950+g.r.IntN(74), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28))
	return id, path, g.orgsB.add(g.ctx, id, parent, path, depth, name, fmt.Sprintf("G%09d", id), typ, g.name(), founded, g.now, g.now)
}

// figures is the running total of a subtree.
type figures map[string]int64

func (f figures) addKeys(keys []string) {
	for _, k := range keys {
		f[k]++
	}
}

func (f figures) addAll(o figures) {
	for k, v := range o {
		f[k] += v
	}
}

// writeFigures queues the figures an organisation of province prov holds
// (of its subtree; for the root, of its subtree or of itself: stats.WholeAtRoot).
func (g *nation) writeFigures(prov, orgID int64, f figures) error {
	for k, v := range f {
		if v != 0 {
			if err := g.statsB.add(g.ctx, prov, orgID, k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *nation) country() (Summary, error) {
	var sum Summary
	branches := max(1, (g.opt.Members+18)/19)
	streets := max(len(provinces), (branches+11)/12)
	counties := max(len(provinces), (streets+14)/15)
	cities := max(len(provinces), (counties+8)/9)
	rootID, rootPath, err := g.newOrg(0, "/", 0, "中国共产党全国组织(演示)", "committee")
	if err != nil {
		return sum, err
	}
	own := figures{}
	own.addKeys(stats.OrgKeys("committee"))
	left := g.opt.Members
	branchLeft := branches
	streetLeft, countyLeft, cityLeft := streets, counties, cities
	for pi, p := range provinces {
		provID, provPath, err := g.newOrg(rootID, rootPath, 1, p.name, "committee")
		if err != nil {
			return sum, err
		}
		pf := figures{}
		pf.addKeys(stats.OrgKeys("committee"))
		nCities := share(cityLeft, len(provinces)-pi)
		cityLeft -= nCities
		for ci := 0; ci < nCities; ci++ {
			cityID, cityPath, err := g.newOrg(provID, provPath, 2, g.place()+"市委", "committee")
			if err != nil {
				return sum, err
			}
			cf := figures{}
			cf.addKeys(stats.OrgKeys("committee"))
			nCounties := share(countyLeft, cityLeft+nCities-ci)
			countyLeft -= nCounties
			for ki := 0; ki < nCounties; ki++ {
				suffix := []string{"县委", "区委", "市委"}[g.r.IntN(3)]
				countyID, countyPath, err := g.newOrg(cityID, cityPath, 3, g.place()+suffix, "committee")
				if err != nil {
					return sum, err
				}
				kf := figures{}
				kf.addKeys(stats.OrgKeys("committee"))
				nStreets := share(streetLeft, countyLeft+nCounties-ki)
				streetLeft -= nStreets
				for si := 0; si < nStreets; si++ {
					nBranches := share(branchLeft, streetLeft+nStreets-si)
					branchLeft -= nBranches
					nMembers := left
					if branchLeft > 0 {
						nMembers = int(int64(left) * int64(nBranches) / int64(branchLeft+nBranches))
					}
					left -= nMembers
					sf, err := g.street(countyID, countyPath, p.code, nBranches, nMembers)
					if err != nil {
						return sum, err
					}
					kf.addAll(sf)
				}
				if err := g.writeFigures(provID, countyID, kf); err != nil {
					return sum, err
				}
				cf.addAll(kf)
			}
			if err := g.writeFigures(provID, cityID, cf); err != nil {
				return sum, err
			}
			pf.addAll(cf)
		}
		if err := g.writeFigures(provID, provID, pf); err != nil {
			return sum, err
		}
		if stats.WholeAtRoot(g.db) {
			own.addAll(pf)
		}
	}
	if stats.WholeAtRoot(g.db) {
		own[stats.KWhole] = 1
	}
	sum.Root = org.Org{ID: rootID, Name: "中国共产党全国组织(演示)", Path: rootPath}
	return sum, g.writeFigures(rootID, rootID, own)
}

// share divides what is left evenly among the parts still to come.
func share(left, parts int) int {
	if parts <= 0 {
		return left
	}
	return (left + parts - 1) / parts
}

// street writes a street or township with its grassroots organisations and
// their branches, members and units, and returns the street's figures.
func (g *nation) street(countyID int64, countyPath, provCode string, branches, members int) (figures, error) {
	township := g.r.IntN(100) < 45
	name, typ, unitType := g.place()+"街道党工委", "working_committee", "community"
	if township {
		name, typ, unitType = g.place()+[]string{"镇党委", "乡党委"}[g.r.IntN(2)], "committee", "village"
	}
	id, path, err := g.newOrg(countyID, countyPath, 4, name, typ)
	if err != nil {
		return nil, err
	}
	sf := figures{}
	sf.addKeys(stats.OrgKeys(typ))
	provID := store.PathIDs(path)[1]
	left := members
	for b := 0; b < branches; b++ {
		n := share(left, branches-b)
		left -= n
		kind := unitType
		if g.r.IntN(100) < 35 {
			kind = "enterprise"
		}
		var bname, btype string
		switch kind {
		case "community":
			bname, btype = g.place()+"社区党支部", "branch"
		case "village":
			bname, btype = g.place()+"村党支部", "branch"
		default:
			bname, btype = g.place()+[]string{"科技", "物流", "食品", "建设", "商贸", "医药"}[g.r.IntN(6)]+"有限公司党支部", "branch"
		}
		if g.r.IntN(100) < 5 {
			btype = "joint_branch"
		}
		bid, _, err := g.newOrg(id, path, 5, bname, btype)
		if err != nil {
			return nil, err
		}
		bf := figures{}
		bf.addKeys(stats.OrgKeys(btype))
		g.nextUnit++
		unit := stats.Unit{Type: kind, NonPublic: kind == "enterprise", PartyMembers: n, Covered: true}
		if err := g.unitsB.add(g.ctx, g.nextUnit, id, bname[:len(bname)-len("党支部")], kind, unit.NonPublic, n*3+g.r.IntN(200), n, bid, g.now, g.now); err != nil {
			return nil, err
		}
		sf.addKeys(stats.UnitKeys(unit))
		for i := 0; i < n; i++ {
			keys, err := g.person(bid, provID, provCode, g.nextUnit)
			if err != nil {
				return nil, err
			}
			bf.addKeys(keys)
		}
		if err := g.writeFigures(provID, bid, bf); err != nil {
			return nil, err
		}
		sf.addAll(bf)
	}
	// A few units the street has not reached yet: 有党员无组织 and 有企业无党员.
	for u := 0; u < max(2, branches/25); u++ {
		g.nextUnit++
		members := 0
		if u%2 == 0 {
			members = 1 + g.r.IntN(4)
		}
		unit := stats.Unit{Type: "enterprise", NonPublic: true, PartyMembers: members}
		if err := g.unitsB.add(g.ctx, g.nextUnit, id, g.place()+"商贸有限公司", "enterprise", true, 5+g.r.IntN(80), members, nil, g.now, g.now); err != nil {
			return nil, err
		}
		sf.addKeys(stats.UnitKeys(unit))
	}
	if err := g.writeFigures(provID, id, sf); err != nil {
		return nil, err
	}
	if g.opt.Progress != nil {
		g.opt.Progress(g.orgCount, g.written)
	}
	return sf, g.maybeCommit()
}

var educationMix = []struct {
	code string
	per  int // per thousand
}{{"postgraduate", 60}, {"bachelor", 300}, {"college", 190}, {"secondary", 120}, {"high_school", 150}, {"junior", 180}}

var minorityMix = []string{"壮族", "回族", "满族", "维吾尔族", "苗族", "彝族", "土家族", "藏族", "蒙古族", "侗族", "布依族", "瑶族", "白族", "朝鲜族", "哈尼族"}

// person queues one person and returns the keys the figures count.
func (g *nation) person(orgID, provID int64, provCode string, unitID int64) ([]string, error) {
	g.nextMember++
	g.written++
	g.sinceTx++
	id := g.nextMember
	male := g.r.IntN(1000) >= 300
	// Ages: many in their thirties to fifties, a long tail of veterans.
	age := 22 + int(g.r.NormFloat64()*15+30)
	if g.r.IntN(100) < 12 {
		age = 70 + g.r.IntN(25)
	}
	age = min(max(age, 18), 100)
	birth := g.today.AddDate(-age, -g.r.IntN(12), -g.r.IntN(28))
	eth := "汉族"
	if g.r.IntN(1000) < 75 {
		eth = minorityMix[g.r.IntN(len(minorityMix))]
	}
	edu, x := "junior", g.r.IntN(1000)
	for _, e := range educationMix {
		if x < e.per {
			edu = e.code
			break
		}
		x -= e.per
	}
	stage := "full"
	switch x := g.r.IntN(1000); {
	case x < 8:
		stage = "applicant"
	case x < 16:
		stage = "activist"
	case x < 22:
		stage = "candidate"
	case x < 45:
		stage = "probationary"
	}
	var applied, activist, candidate, joined, full, probEnds date.Date
	switch stage {
	case "full":
		join := max(18, min(age-1, 20+int(g.r.ExpFloat64()*8)))
		joined = birth.AddYears(join).AddDate(0, g.r.IntN(12), 0)
		if joined.After(g.today.AddDate(-1, 0, 0)) {
			joined = g.today.AddDate(-1, -1, 0)
		}
		full = joined.AddYears(1)
	case "probationary":
		joined = g.today.AddDate(0, -1-g.r.IntN(11), 0)
		probEnds = joined.AddYears(1)
	case "candidate":
		candidate = g.today.AddDate(0, -1-g.r.IntN(10), 0)
	case "activist":
		activist = g.today.AddDate(0, -1-g.r.IntN(20), 0)
	default:
		applied = g.today.AddDate(0, -1-g.r.IntN(10), 0)
	}
	k := g.provSeq[provCode]
	g.provSeq[provCode] = k + 1
	first := fmt.Sprintf("%s%04d%s%03d", provCode, (k/500)%10000, birth.Time().Format("20060102"), (k%500)*2+map[bool]int{true: 1, false: 0}[male])
	idn := first + string(cnid.CheckChar(first))
	name := randomName(g.r, male)
	py, initials := pinyin.Name(name)
	phone := fmt.Sprintf("1%d%09d", 3+g.r.IntN(7), g.r.IntN(1000000000))
	mobile := stats.IsMember(stage) && g.r.IntN(1000) < 30
	sex := map[bool]string{true: "male", false: "female"}[male]
	occ := occupations[g.r.IntN(len(occupations))]
	idHash := g.box.Hash(idn)
	err := g.membersB.add(g.ctx, id, orgID, provID, name, py, initials, sex, eth, idHash, g.box.Seal(idn),
		birth, edu, g.box.Seal(phone), occ, "", unitID, stage, "active", applied, activist, candidate, joined, full, probEnds, mobile, g.now, g.now)
	if err != nil {
		return nil, err
	}
	if err := g.idsB.add(g.ctx, idHash, provID); err != nil {
		return nil, err
	}
	if mobile {
		g.nextMobile++
		if err := g.mobileB.add(g.ctx, g.nextMobile, "out", orgID, id, name, "", g.place()+"市", "手机 "+phone[:3]+"****"+phone[7:],
			g.today.AddDate(0, -1-g.r.IntN(30), 0), g.now, provID); err != nil {
			return nil, err
		}
	}
	return stats.PersonKeys(stats.Person{Active: true, Stage: stage, Sex: sex, BirthYear: birth.Year(), Education: edu, Ethnicity: eth, MobileOut: mobile}), nil
}

// name draws the name of someone whose sex is not recorded (an organisation's secretary).
func (g *nation) name() string { return anyName(g.r) }
