// Package cnid validates citizen identity numbers (公民身份号码) to GB 11643-1999:
// 18 characters, a six-digit address code, the birth date, a sequence code
// whose last digit is odd for men and even for women, and an ISO 7064
// MOD 11-2 check character.
package cnid

import (
	"errors"
	"strings"
	"time"
	"unicode"
)

// Number is a validated 18-character identity number with what it encodes.
type Number struct {
	Value string
	Birth time.Time // UTC midnight
	Male  bool
}

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// provinces are the first two digits of valid address codes (GB/T 2260).
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// Normalize removes spaces, turns full-width digits and letters into ASCII
// and upper-cases a trailing x, as people type them in spreadsheets.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r == 'ｘ' || r == 'Ｘ' || r == 'x':
			r = 'X'
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CheckChar computes the check character of the first 17 digits.
func CheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return checkChars[sum%11]
}

// Parse normalises and validates s. Its errors are messages in Chinese that
// say exactly what is wrong.
func Parse(s string, today time.Time) (Number, error) {
	v := Normalize(s)
	if v == "" {
		return Number{}, errors.New("公民身份号码不能为空")
	}
	if len(v) == 15 && allDigits(v) {
		return Number{}, errors.New("这是15位旧式身份证号码,请填写现行的18位公民身份号码")
	}
	if len(v) != 18 {
		return Number{}, errors.New("公民身份号码应为18位,当前为" + itoa(len([]rune(v))) + "位")
	}
	if !allDigits(v[:17]) || !(v[17] == 'X' || (v[17] >= '0' && v[17] <= '9')) {
		return Number{}, errors.New("公民身份号码前17位须为数字,末位为数字或X")
	}
	if !provinces[v[:2]] {
		return Number{}, errors.New("公民身份号码前两位“" + v[:2] + "”不是有效的省级行政区划代码")
	}
	birth, err := time.Parse("20060102", v[6:14])
	if err != nil {
		return Number{}, errors.New("公民身份号码第7至14位“" + v[6:14] + "”不是有效的出生日期")
	}
	if birth.Year() < 1900 || birth.After(today) {
		return Number{}, errors.New("公民身份号码中的出生日期“" + birth.Format("2006-01-02") + "”不在合理范围内")
	}
	if want := CheckChar(v); v[17] != want {
		return Number{}, errors.New("公民身份号码校验码错误:末位应为“" + string(want) + "”,请核对号码是否抄错")
	}
	return Number{Value: v, Birth: birth, Male: (v[16]-'0')%2 == 1}, nil
}

// Mask shows the address code alone: 110101************. The birth date,
// the sequence and the check character stay hidden, so that with the birth
// month and the sex shown beside it at least 28 × 500 = 14,000 numbers
// remain possible (docs/SECURITY.md).
func Mask(v string) string {
	if len(v) != 18 {
		return strings.Repeat("*", len(v))
	}
	return v[:6] + strings.Repeat("*", 12)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
