package web

import (
	"reflect"
	"sort"
)

// Problem is one line of the banner at the top of a refused form: the
// field's name and its message, linking to the field.
type Problem struct {
	Label, Message, Href string
}

// fieldLabels names the fields of the hand-written forms in the banner.
var fieldLabels = map[string]string{
	// The consultative work's forms.
	"title": "案由", "category": "类别", "content": "提案内容", "co_signers": "附议委员", "private_reason": "不公开的理由",
	"reject_reason": "不予立案的情形", "route": "转送", "into": "并入的提案", "lead": "主办单位", "co": "会办单位", "split": "分办单位", "co_q": "会办单位", "split_q": "分办单位", "co_signers_q": "附议委员",
	"class": "办理结果类别", "text": "内容", "attitude": "办理态度", "result": "办理结果", "until": "延至日期", "way": "提出方式", "note": "意见", "file": "文件", "term_id": "届", "sector": "界别", "party": "党派",
	"name": "姓名", "id_number": "公民身份号码", "birth_date": "出生日期", "sex": "性别", "ethnicity": "民族", "education": "学历",
	"phone": "联系电话", "occupation": "职业", "post": "工作岗位", "stage": "人员类别", "applied_on": "申请入党日期",
	"activist_on": "确定为积极分子日期", "candidate_on": "列为发展对象日期", "joined_on": "入党日期", "full_on": "转正日期",
	"to_q": "接收的党组织", "to_org_id": "接收的党组织", "to_text": "系统外党组织名称", "issued_on": "开具日期", "letter_no": "介绍信编号",
	"reason": "用途", "org_id": "党组织", "org_q": "党组织", "relation_place": "组织关系所在党组织", "present_place": "现在所在地方或单位",
	"contact": "联系方式", "since": "日期", "staff": "职工人数", "party_members": "党员人数", "credit_code": "统一社会信用代码",
	"username": "用户名", "display_name": "名称", "type": "类别", "code": "组织代码", "founded_on": "成立日期", "on": "日期",
	"changes": "申请内容", "term_years": "任期(年)", "elected_on": "上次换届日期", "members": "党员", "parent_q": "上级党组织",
}

// A Banner is page data that names its own refused fields (a work
// record's form, whose fields are declared with their labels).
type Banner interface{ Problems() []Problem }

// bannerOf collects the messages of every refused form in a page's data:
// a *Form names its fields through fieldLabels, a Banner itself. A form's
// message that names no field comes first.
func bannerOf(data any) []Problem {
	var out []Problem
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		if depth > 3 || !v.IsValid() {
			return
		}
		switch x := v.Interface().(type) {
		case *Form:
			if x == nil {
				return
			}
			if x.Error != "" {
				out = append(out, Problem{Message: x.Error})
			}
			keys := make([]string, 0, len(x.Errors))
			for k := range x.Errors {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				label := fieldLabels[k]
				if l, ok := x.Labels[k]; ok {
					label = l
				}
				out = append(out, Problem{Label: label, Message: x.Errors[k], Href: "#" + k})
			}
			return
		case Banner:
			if v.Kind() != reflect.Pointer || !v.IsNil() {
				out = append(out, x.Problems()...)
			}
			return
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), depth)
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), depth+1)
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len() && i < 50; i++ {
				walk(v.Index(i), depth+1)
			}
		case reflect.Map:
			keys := v.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
			for _, k := range keys {
				walk(v.MapIndex(k), depth+1)
			}
		}
	}
	walk(reflect.ValueOf(data), 0)
	return out
}

// LetterLabels name the letter form's fields in the banner.
var LetterLabels = map[string]string{"box": "信箱", "title": "标题", "content": "内容", "name": "姓名", "phone": "联系电话", "id_number": "身份证号码",
	"anonymous": "匿名", "people": "人数", "file": "附件", "received_on": "收到日期", "channel": "来源渠道", "code": "回执码", "rating": "评价", "text": "理由", "body": "评论", "author": "昵称", "value": "评分", "proof": "安全验证"}
