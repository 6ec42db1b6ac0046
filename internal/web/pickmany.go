package web

import (
	"strings"

	"dangjian/internal/pinyin"
)

// A picker of several (附议委员, 会办单位, 分办单位) is the picker of one
// grown: those chosen stand as chips, each a ticked box sending the field
// with its id (a remove button beside it with the script), and a text box
// searching as one types. Without the script one types the names,
// separated by 、 or commas: they are resolved when the form is sent, a
// name matching several comes back as boxes to tick, one matching none
// with its message, the rest of the form kept.

// ManyPick is a picker of several as a form shows it.
type ManyPick struct {
	ID, Q, Label, Pick, Noun string // the chips' field, the text box's name, its label, the search's address, what it picks (委员, 承办单位)
	Chosen                   []Picked
	Text, Err                string
	Choices                  []Picked // several matched a name typed: tick those meant
}

// nameSeps split the names typed into a picker of several.
var nameSeps = strings.NewReplacer("、", ",", ",", ",", ";", ",", ";", ",", "\n", ",", "\r", ",")

// Matches are the candidates a picker's text finds: by a part of the
// name, or by the start of its pinyin or of its initials.
func Matches(all []Picked, q string) []Picked {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	latin := strings.ToLower(q)
	var out []Picked
	for _, c := range all {
		full, initials := pinyin.Name(c.Name)
		if strings.Contains(c.Name, q) || (pinyin.Latin(q) && (strings.HasPrefix(initials, latin) || strings.HasPrefix(full, latin))) {
			out = append(out, c)
		}
	}
	return out
}

// PickMany resolves picker p of form f among the candidates all: the
// chips ticked (those not among the candidates refused), then each name
// typed, the one it is exactly or else the only one it finds. The names
// that find none or several stay in the text box, with the field's
// message (and the choices). It returns the ids chosen, in order.
func PickMany(f *Form, p *ManyPick, all []Picked) []int64 {
	byID := map[int64]Picked{}
	for _, c := range all {
		byID[c.ID] = c
	}
	var out []int64
	seen := map[int64]bool{}
	add := func(c Picked) {
		if !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c.ID)
			p.Chosen = append(p.Chosen, c)
		}
	}
	var msgs []string
	for _, v := range f.Values[p.ID] {
		if c, ok := byID[ParseID(v)]; ok {
			add(c)
		} else if strings.TrimSpace(v) != "" {
			msgs = append(msgs, "所选"+p.Noun+"不存在或不属于本政协,请重新选择")
		}
	}
	var left []string
	for _, name := range strings.Split(nameSeps.Replace(f.Get(p.Q)), ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		var exact []Picked
		for _, c := range all {
			if c.Name == name {
				exact = append(exact, c)
			}
		}
		found := exact
		if len(found) == 0 {
			found = Matches(all, name)
		}
		switch len(found) {
		case 1:
			add(found[0])
		case 0:
			left = append(left, name)
			msgs = append(msgs, "没有找到“"+name+"”")
		default:
			left = append(left, name)
			msgs = append(msgs, "有多个"+p.Noun+"符合“"+name+"”,请在下面勾选")
			for _, c := range found {
				if !seen[c.ID] {
					p.Choices = append(p.Choices, c)
				}
			}
		}
	}
	p.Text = strings.Join(left, "、")
	if len(msgs) > 0 {
		p.Err = strings.Join(msgs, ";")
		f.Errors[p.Q] = p.Err
	}
	return out
}
