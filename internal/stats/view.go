package stats

import (
	"sort"
	"strconv"
	"strings"

	"dangjian/internal/vocab"
)

// Count is one labelled figure.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	N     int64  `json:"n"`
}

// View is the figures of a subtree arranged as the dashboard and the API show them.
type View struct {
	OrgID        int64   `json:"org_id"`
	Year         int     `json:"year"`
	Members      int64   `json:"members"`
	Full         int64   `json:"full"`
	Probationary int64   `json:"probationary"`
	Female       int64   `json:"female"`
	Minority     int64   `json:"minority"`
	CollegeAbove int64   `json:"college_or_above"`
	BySex        []Count `json:"by_sex"`
	ByAge        []Count `json:"by_age"`
	ByEducation  []Count `json:"by_education"`
	ByEthnicity  []Count `json:"by_ethnicity"`
	Pipeline     []Count `json:"pipeline"`
	Orgs         int64   `json:"orgs"`
	OrgsByType   []Count `json:"orgs_by_type"`
	MobileOut    int64   `json:"mobile_out"`
	MobileIn     int64   `json:"mobile_in"`
	TransfersOut int64   `json:"transfers_out_pending"`
	TransfersIn  int64   `json:"transfers_in_pending"`
	Units        int64   `json:"units"`
	UnitsByType  []Count `json:"units_by_type"`
	UnitsNonPub  int64   `json:"units_non_public"`
	UnitsCovered int64   `json:"units_covered"`
	GapNoMember  int64   `json:"gap_no_member"`
	GapNoOrg     int64   `json:"gap_no_org"`
}

// AgeBand is a band of ages, both ends included; Max 0 means open-ended.
type AgeBand struct {
	Min, Max int
	Label    string
}

// AgeBands are the bands of the Party's statistical tables. A member's age is
// the age reached in the statistical year (year minus birth year), as the
// annual statistical report counts it at 31 December.
var AgeBands = []AgeBand{
	{0, 30, "30岁及以下"},
	{31, 35, "31至35岁"},
	{36, 40, "36至40岁"},
	{41, 45, "41至45岁"},
	{46, 50, "46至50岁"},
	{51, 55, "51至55岁"},
	{56, 60, "56至60岁"},
	{61, 70, "61至70岁"},
	{71, 0, "71岁及以上"},
}

func enumCounts(e vocab.Enum, m map[string]int64, prefix string) []Count {
	out := make([]Count, 0, len(e))
	for _, it := range e {
		out = append(out, Count{Code: it.Code, Label: it.Label, N: m[prefix+it.Code]})
	}
	return out
}

// NewView arranges raw figures for the statistical year.
func NewView(orgID int64, m map[string]int64, year int) View {
	v := View{
		OrgID: orgID, Year: year,
		Members: m[KMembers], Full: m[KStage+"full"], Probationary: m[KStage+"probationary"],
		Female:      m[KSex+"female"],
		BySex:       enumCounts(vocab.Sexes, m, KSex),
		ByEducation: enumCounts(vocab.Education, m, KEdu),
		Pipeline:    enumCounts(vocab.Stages, m, KStage),
		Orgs:        m[KOrgs], OrgsByType: enumCounts(vocab.OrgTypes, m, KOrgType),
		MobileOut: m[KMobileOut], MobileIn: m[KMobileIn],
		TransfersOut: m[KTransferOut], TransfersIn: m[KTransferIn],
		Units: m[KUnits], UnitsByType: enumCounts(vocab.UnitTypes, m, KUnitType),
		UnitsNonPub: m[KNonPublic], UnitsCovered: m[KCovered],
		GapNoMember: m[KGapNoMember], GapNoOrg: m[KGapNoOrg],
	}
	for _, it := range vocab.Education {
		if vocab.CollegeOrAbove(it.Code) {
			v.CollegeAbove += m[KEdu+it.Code]
		}
	}
	v.ByAge = make([]Count, len(AgeBands))
	for i, b := range AgeBands {
		v.ByAge[i] = Count{Code: strconv.Itoa(b.Min), Label: b.Label}
	}
	for k, n := range m {
		switch {
		case strings.HasPrefix(k, KBirth):
			y, err := strconv.Atoi(k[len(KBirth):])
			if err != nil {
				continue
			}
			v.ByAge[bandIn(AgeBands, year-y)].N += n
		case strings.HasPrefix(k, KEth):
			name := k[len(KEth):]
			v.ByEthnicity = append(v.ByEthnicity, Count{Code: name, Label: name, N: n})
			if name != "汉族" {
				v.Minority += n
			}
		}
	}
	sort.Slice(v.ByEthnicity, func(i, j int) bool {
		a, b := v.ByEthnicity[i], v.ByEthnicity[j]
		return a.N > b.N || (a.N == b.N && a.Code < b.Code)
	})
	return v
}

// bandIn is the index of the band of bands that age falls in.
func bandIn(bands []AgeBand, age int) int {
	for i, b := range bands {
		if b.Max == 0 || age <= b.Max {
			return i
		}
	}
	return len(bands) - 1
}
