package config

import (
	"fmt"
	"strings"
)

// units checks the units section: each entry names a unit and says what it
// measures (directly or through a known base unit), with a factor above 0,
// decimals from 0 to 6, and names and aliases that no other entry uses.
func (v *validator) units() {
	known := &Units{byKey: make(map[string]Unit, len(builtin.byKey)), names: builtin.Names()}
	for k, x := range builtin.byKey {
		known.byKey[k] = x
	}
	claimed := map[string]string{} // folded name or alias -> key that claims it
	claim := func(key, name string) {
		n := NormalizeName(strings.TrimSpace(name))
		if n == "" {
			v.add(key, "must not be empty")
			return
		}
		if prev, ok := claimed[n]; ok {
			v.add(key, "%q is already a unit name or alias at %s", name, v.where(prev))
			return
		}
		claimed[n] = key
	}
	for i, s := range v.c.Units {
		key := fmt.Sprintf("units[%d]", i)
		if blank(s.Name) {
			v.add(key+".name", "is required, the unit as departments write it (e.g. 万人次)")
			continue
		}
		claim(key+".name", s.Name)
		for j, a := range s.Aliases {
			claim(fmt.Sprintf("%s.aliases[%d]", key, j), a)
		}
		if strings.ContainsAny(s.Name, "0123456789") && !strings.Contains(s.Name, "/") {
			v.add(key+".name", "%q must not hold a number, which would be read as part of the value", s.Name)
		}
		if s.Factor != nil && (!(*s.Factor > 0) || *s.Factor > 1e15) {
			v.add(key+".factor", "%v must be a number above 0 (how many of the base unit one %s is)", *s.Factor, s.Name)
		}
		if d := s.Decimals; d != nil && (*d < 0 || *d > 6) {
			v.add(key+".decimals", "%d is out of range (0 to 6)", *d)
		}
		switch {
		case !blank(s.Base):
			b, ok := known.Lookup(s.Base)
			if !ok {
				v.add(key+".base", "%q is not a known unit (known: %s, their 万/亿/千 multiples and rates such as 元/人; a unit of this section must be defined before it is used)",
					s.Base, strings.Join(known.Names(), ", "))
				continue
			}
			if m := strings.TrimSpace(s.Measures); m != "" && known.dimension(m) != b.Dimension {
				v.add(key+".measures", "%q is not what base %s measures (%s); leave measures out or change base", m, b.Name, b.Dimension)
			}
		case blank(s.Measures):
			v.add(key+".measures", "is required unless base is given: what %s measures (a dimension such as 人, 元, 面积, or a new one)", s.Name)
			continue
		}
		if x, msg := known.resolve(s); msg == "" {
			known.put(x, s.Aliases)
		}
	}
}
