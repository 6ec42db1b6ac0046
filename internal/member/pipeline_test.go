package member

import (
	"testing"

	"dangjian/internal/stats"
	"dangjian/internal/store"
	"dangjian/internal/store/storetest"
)

func TestApplicantMustBeAdult(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := Input{OrgID: &f.branchA1a.ID, Name: sp("小明"), IDNumber: sp(f.idNumber("2009-01-01", true)),
			Ethnicity: sp("汉"), Education: sp("高中"), Stage: sp("入党申请人"), AppliedOn: d("2026-06-01")}
		_, err := f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "applied_on", "未满18周岁")
		in.IDNumber = sp(f.idNumber("2008-06-01", true))
		m := f.add(in)
		if m.Stage != "applicant" || m.Ethnicity != "汉族" {
			t.Fatalf("applicant stored wrongly: %+v", m)
		}
	})
}

func TestPipelineSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := f.add(Input{OrgID: &f.branchA1a.ID, Name: sp("李发展"), IDNumber: sp(f.idNumber("1998-02-03", false)),
			Ethnicity: sp("回族"), Education: sp("研究生"), Stage: sp("applicant"), AppliedOn: d("2022-03-01")})
		steps := []struct {
			step  Step
			want  string // "" when the step must succeed
			stage string
		}{
			{Step{Action: "candidate", On: *d("2023-01-01")}, "不能办理“列为发展对象”", ""},
			{Step{Action: "admit", On: *d("2023-01-01")}, "不能办理“接收为预备党员”", ""},
			{Step{Action: "confirm", On: *d("2023-01-01")}, "不能办理“按期转为正式党员”", ""},
			{Step{Action: "activist", On: *d("2022-02-01")}, "不能早于申请入党日期", ""},
			{Step{Action: "activist", On: *d("2027-01-01")}, "晚于今天", ""},
			{Step{Action: "promote", On: *d("2023-01-01")}, "未知的发展步骤", ""},
			{Step{Action: "activist", On: *d("2022-09-01")}, "", "activist"},
			{Step{Action: "candidate", On: *d("2023-08-31")}, "一年以上的培养教育和考察", ""},
			{Step{Action: "candidate", On: *d("2023-09-01")}, "", "candidate"},
			{Step{Action: "admit", On: *d("2023-08-01")}, "不能早于列为发展对象的日期", ""},
			{Step{Action: "admit", On: *d("2024-06-01")}, "", "probationary"},
			{Step{Action: "confirm", On: *d("2025-05-31")}, "预备期未满", ""},
			{Step{Action: "extend", On: *d("2025-06-01"), Months: 3}, "不能少于半年", ""},
			{Step{Action: "extend", On: *d("2025-06-01"), Months: 13}, "最长不超过一年", ""},
			{Step{Action: "extend", On: *d("2025-06-01"), Months: 6}, "", "probationary"},
			{Step{Action: "extend", On: *d("2025-07-01"), Months: 6}, "只能延长一次", ""},
			{Step{Action: "confirm", On: *d("2025-06-01")}, "预备期未满,不能转正:预备期至2025-12-01届满", ""},
			{Step{Action: "confirm", On: *d("2025-12-01")}, "", "full"},
			{Step{Action: "cancel", On: *d("2026-01-01")}, "不能办理“取消预备党员资格”", ""},
		}
		for _, s := range steps {
			got, err := f.mem.Advance(f.ctx, store.All, m.ID, s.step)
			if s.want != "" {
				if err == nil {
					t.Fatalf("%s on %s was allowed", s.step.Action, s.step.On)
				}
				wantErr(t, err, "", s.want)
				continue
			}
			if err != nil {
				t.Fatalf("%s on %s: %v", s.step.Action, s.step.On, err)
			}
			if got.Stage != s.stage {
				t.Fatalf("after %s stage is %s, want %s", s.step.Action, got.Stage, s.stage)
			}
		}
		h, err := f.mem.History(f.ctx, store.All, m.ID)
		if err != nil || len(h) != 5 {
			t.Fatalf("history: %v %+v", err, h)
		}
		if f.figure(f.city, stats.KStage+"full") != 1 || f.figure(f.city, stats.KMembers) != 1 || f.figure(f.city, stats.KStage+"applicant") != 0 {
			t.Fatal("pipeline figures not maintained")
		}
		f.noMismatch()
	})
}

func TestCancelProbation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := f.fullMember(f.branchA1a, "预备甲", "1995-01-01", true)
		in.Stage, in.FullOn, in.JoinedOn = sp("预备党员"), nil, d("2026-01-01")
		m := f.add(in)
		if m.ProbationEndsOn.String() != "2027-01-01" {
			t.Fatalf("probation ends %s", m.ProbationEndsOn)
		}
		if f.figure(f.distA, stats.KStage+"probationary") != 1 {
			t.Fatal("probationary not counted")
		}
		if _, err := f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: "cancel", On: *d("2026-05-01")}); err != nil {
			t.Fatal(err)
		}
		if f.figure(f.distA, stats.KStage+"probationary") != 0 || f.figure(f.distA, stats.KMembers) != 0 {
			t.Fatal("cancelled probationary member still counted")
		}
		_, err := f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: "confirm", On: *d("2026-06-01")})
		wantErr(t, err, "", "已不在册")
		f.noMismatch()
	})
}

func TestStartStageDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		in := f.fullMember(f.branchA1a, "老党员", "1950-01-01", true)
		in.FullOn = d("2010-12-31")
		_, err := f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "full_on", "不满一年")
		in.FullOn, in.JoinedOn = d("2011-07-01"), nil
		_, err = f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "joined_on", "入党日期不能为空")
		in.JoinedOn, in.Stage = d("2010-07-01"), sp("党员")
		_, err = f.mem.Create(f.ctx, store.All, in)
		wantErr(t, err, "stage", "人员类别“党员”无效")
	})
}

// TestStandingChanges: a member leaves the ranks by death, expulsion,
// removal, withdrawal or suspension, each dated and kept in the history,
// the figures losing them in the same step; only a suspended member's
// standing may be restored, bringing them back; none of these steps is
// open to someone in the pipeline, and none twice.
func TestStandingChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		applicant := f.add(Input{OrgID: &f.branchA1a.ID, Name: sp("申请人"), IDNumber: sp(f.idNumber("1998-02-03", false)),
			Ethnicity: sp("汉族"), Education: sp("大学本科"), Stage: sp("applicant"), AppliedOn: d("2025-03-01")})
		_, err := f.mem.Advance(f.ctx, store.All, applicant.ID, Step{Action: "death", On: *d("2026-01-01")})
		wantErr(t, err, "", "只适用于正式党员和预备党员")
		for i, action := range []string{"death", "expel", "remove", "withdraw"} {
			m := f.add(f.fullMember(f.branchA1a, "党员"+string(rune('甲'+i)), "1970-01-0"+string(rune('1'+i)), true))
			before := f.figure(f.distA, stats.KMembers)
			got, err := f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: action, On: *d("2026-03-01")})
			if err != nil {
				t.Fatalf("%s: %v", action, err)
			}
			if got.Status == StatusActive || got.StatusLabel == "" || f.figure(f.distA, stats.KMembers) != before-1 {
				t.Fatalf("after %s: %+v, members %d → %d", action, got, before, f.figure(f.distA, stats.KMembers))
			}
			_, err = f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: "restore", On: *d("2026-04-01")})
			wantErr(t, err, "", "只有已停止党籍的人员")
			_, err = f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: action, On: *d("2026-04-01")})
			wantErr(t, err, "", "已不在册")
		}
		m := f.add(f.fullMember(f.branchA1a, "失联党员", "1980-05-05", false))
		before := f.figure(f.distA, stats.KMembers)
		_, err = f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: "suspend", On: *d("2026-02-01")})
		if err != nil || f.figure(f.distA, stats.KMembers) != before-1 {
			t.Fatalf("suspend: %v", err)
		}
		_, err = f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: "restore", On: *d("1990-01-01")})
		wantErr(t, err, "", "不能早于入党日期")
		got, err := f.mem.Advance(f.ctx, store.All, m.ID, Step{Action: "restore", On: *d("2026-03-01")})
		if err != nil || got.Status != StatusActive || f.figure(f.distA, stats.KMembers) != before {
			t.Fatalf("restore: %v %+v", err, got)
		}
		h, err := f.mem.History(f.ctx, store.All, m.ID)
		if err != nil || len(h) != 2 || h[0].Label != "停止党籍" || h[1].Label != "恢复党籍" {
			t.Fatalf("history: %v %+v", err, h)
		}
		f.noMismatch()
	})
}
