package compose

import (
	"strings"

	"github.com/kith-health/kith/schematype"
)

// linkPlaceholders are the placeholders whose values are links.
var linkPlaceholders = map[string]bool{"TelehealthLink": true, "ManageAppointmentLink": true, "PortalLink": true}

// IsLink reports whether the placeholder name (without brackets) holds a link.
func IsLink(name string) bool { return linkPlaceholders[name] }

// SafeLink returns raw, trimmed, when schematype.CheckURL accepts it: an
// absolute URL with a host whose scheme is https or one of schemes (such as
// "http", for a portal served from http://127.0.0.1 in development); else
// "". javascript:, data:, relative and malformed links are refused, as is
// any with a space or a control character in it.
func SafeLink(raw string, schemes ...string) string {
	raw = strings.TrimSpace(raw)
	if schematype.CheckURL(raw, schemes...) != nil {
		return ""
	}
	return raw
}

// SafeLinks empties, in v, each link placeholder's value that SafeLink
// refuses, so that it renders empty in every part of a message: a
// defence beside the checks made when links are stored.
func (v Values) SafeLinks(schemes ...string) {
	for name := range linkPlaceholders {
		if s, ok := v[name]; ok {
			v[name] = SafeLink(s, schemes...)
		}
	}
}
