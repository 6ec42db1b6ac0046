package stats

import "strconv"

// Key names. A key with a colon carries a value (stage:full, edu:bachelor).
const (
	KMembers     = "members" // 党员 (full and probationary), active
	KStage       = "stage:"  // everyone on the roster by development stage
	KSex         = "sex:"    // members by sex
	KBirth       = "birth:"  // members by birth year (age bands are derived at read time)
	KEdu         = "edu:"    // members by education
	KEth         = "eth:"    // members by ethnicity
	KMobileOut   = "mobile_out"
	KMobileIn    = "mobile_in"
	KOrgs        = "orgs"
	KOrgType     = "org_type:"
	KUnits       = "units"
	KUnitType    = "unit_type:"
	KNonPublic   = "unit_non_public"
	KCovered     = "unit_covered"
	KGapNoMember = "gap_no_member" // 有企业无党员: a unit with no Party member and no organisation
	KGapNoOrg    = "gap_no_org"    // 有党员无组织: a unit with Party members and no organisation
	KTransferOut = "transfer_out_pending"
	KTransferIn  = "transfer_in_pending"
)

// Person holds what the figures count of someone on the roster.
type Person struct {
	Active    bool
	Stage     string
	Sex       string
	BirthYear int
	Education string
	Ethnicity string
	MobileOut bool
}

// IsMember tells whether a stage makes the person a Party member.
func IsMember(stage string) bool { return stage == "probationary" || stage == "full" }

// PersonKeys lists the keys one person adds to their organisation's figures.
func PersonKeys(p Person) []string {
	if !p.Active {
		return nil
	}
	keys := []string{KStage + p.Stage}
	if !IsMember(p.Stage) {
		return keys
	}
	keys = append(keys, KMembers, KSex+p.Sex, KBirth+strconv.Itoa(p.BirthYear), KEdu+p.Education, KEth+p.Ethnicity)
	if p.MobileOut {
		keys = append(keys, KMobileOut)
	}
	return keys
}

// OrgKeys lists the keys a live organisation adds to its own figures.
func OrgKeys(typ string) []string { return []string{KOrgs, KOrgType + typ} }

// Unit holds what the figures count of a unit.
type Unit struct {
	Type         string
	NonPublic    bool
	PartyMembers int
	Covered      bool
}

// UnitKeys lists the keys a unit adds to the figures of the organisation it is registered with.
func UnitKeys(u Unit) []string {
	keys := []string{KUnits, KUnitType + u.Type}
	if u.NonPublic {
		keys = append(keys, KNonPublic)
	}
	switch {
	case u.Covered:
		keys = append(keys, KCovered)
	case u.PartyMembers > 0:
		keys = append(keys, KGapNoOrg)
	default:
		keys = append(keys, KGapNoMember)
	}
	return keys
}
