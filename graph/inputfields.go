package graph

// inputFieldsAtOnce is how many fields an input object may give before
// presentFields hands back its type's whole list instead: below it, finding
// each given field in the list costs less than looking every field of the
// list up in the map.
const inputFieldsAtOnce = 8

// presentFields is the fields given in an input object (m, as the variables
// decoded it) in the order of its type's fields (order), the order in which
// gqlgen's unmarshaller visits them: the executor's unmarshallers range over
// it, where gqlgen ranged over order and looked every field up in m (see
// graph/codegen). A where input of appointments has about 150 fields, and
// the profile's gives one: the lookups were 3% of its CPU. A field m gives
// that order does not hold is left out, as gqlgen leaves it (validation
// refused it before). With many fields given it is order itself, and the
// caller looks each up.
func presentFields(m map[string]any, order []string) []string {
	if len(m) == 0 {
		return nil
	}
	if len(m) > inputFieldsAtOnce {
		return order
	}
	var (
		at    [inputFieldsAtOnce]int
		found = 0
	)
	for k := range m {
		for i, f := range order {
			if f == k {
				at[found] = i
				found++
				break
			}
		}
	}
	idx := at[:found]
	for i := 1; i < len(idx); i++ { // insertion sort: a few fields
		for j := i; j > 0 && idx[j] < idx[j-1]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	out := make([]string, found)
	for i, at := range idx {
		out[i] = order[at]
	}
	return out
}
