package email

import "github.com/microcosm-cc/bluemonday"

// policy is the sanitiser of every email's HTML; a bluemonday policy is
// safe for concurrent use once built.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// Sanitize returns html without what could run or track when an app shows
// it: scripts, styles, event handlers, iframes, forms.
func Sanitize(html string) string { return policy.Sanitize(html) }
