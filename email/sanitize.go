package email

import (
	"net/url"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// policy is built once: a bluemonday Policy is safe for concurrent use once
// configured.
var policy = sync.OnceValue(newPolicy)

// newPolicy returns bluemonday's UGC policy (no script, style, iframe, form,
// object or event-handler attribute; only http, https and mailto links) with:
//   - every link rel="nofollow noreferrer noopener", and target="_blank" on
//     absolute links, so a click never hands the practice's page to the site;
//   - images kept only when inline: cid: (a part of the message) and data:
//     image URIs (png, gif, jpeg, webp). An http(s) image src is emptied, so
//     opening an email never fetches a remote image (no tracking pixel tells
//     the sender that, when or from where the practice read it).
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowURLSchemes("cid")
	p.AllowDataURIImages()
	p.RewriteSrc(func(u *url.URL) {
		switch u.Scheme {
		case "cid", "data":
		default:
			*u = url.URL{}
		}
	})
	return p
}

// Sanitize returns html made safe to render in kith's apps (see newPolicy for
// what is kept). It never fails: what cannot be made safe is dropped.
func Sanitize(html string) string {
	if html == "" {
		return ""
	}
	return policy().Sanitize(html)
}
