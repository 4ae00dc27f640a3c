package schema

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"entgo.io/ent"

	"github.com/kith-health/kith"
	gen "github.com/kith-health/kith/ent"
)

// foldAppends makes an update's appended values (appendTags,
// appendContactTypes…) part of the list it sets, before any other hook
// runs: the hooks that check, normalise and deduplicate a list set then see
// the whole list the row will hold, whether the update sets it or appends
// to it. A fault they find in an appended value is reported on the input
// that gave it ("appendTags.0", not "tags.3"), and one in the whole list on
// the append input when the update did not set the list.
func foldAppends() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			fm, ok := m.(interface {
				FoldAppends(context.Context) ([]gen.FoldedAppend, error)
			})
			if !ok {
				return next.Mutate(ctx, m)
			}
			folded, err := fm.FoldAppends(ctx)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			var ve *kith.ValidationError
			if len(folded) > 0 && errors.As(err, &ve) {
				for _, f := range folded {
					if renameAppended(ve, f) {
						break
					}
				}
			}
			return v, err
		})
	}
}

// renameAppended moves ve from the list field f to its append input when
// it is about an appended value (or about the whole list, which the update
// only appended to), and reports whether it did.
func renameAppended(ve *kith.ValidationError, f gen.FoldedAppend) bool {
	list, appendInput := kith.CamelCase(f.Field), kith.CamelCase("append_"+f.Field)
	var to string
	switch {
	case ve.Field == list:
		if f.Set {
			return false
		}
		to = appendInput
	case strings.HasPrefix(ve.Field, list+"."):
		index, rest, _ := strings.Cut(strings.TrimPrefix(ve.Field, list+"."), ".")
		i, err := strconv.Atoi(index)
		if err != nil || i < f.Start {
			return false
		}
		to = appendInput + "." + strconv.Itoa(i-f.Start)
		if rest != "" {
			to += "." + rest
		}
	default:
		return false
	}
	if strings.HasPrefix(ve.Message, ve.Field) {
		ve.Message = to + strings.TrimPrefix(ve.Message, ve.Field)
	}
	ve.Field = to
	return true
}
