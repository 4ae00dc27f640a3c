package compose

import (
	"container/list"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
)

// An email's HTML body is rendered with html/template, which escapes each
// value for where it lands: HTML text, an attribute value, a URL in href or
// src (where a javascript: or data: value becomes "#ZgotmplZ"). The practice
// writes square-bracket placeholders, never template actions: compileHTML
// turns each known placeholder into an action and leaves everything else,
// "{{" and "}}" included, as literal markup (see htmlSource).
//
// Placeholders are refused inside scripts and style sheets (a <script> or
// <style> element, an on… or style attribute): email clients strip scripts,
// and html/template's CSS filter would turn most names into "ZgotmplZ", so
// a value there is a mistake better caught when the template is saved.

// HTMLCacheSize is how many distinct HTML bodies keep their compiled form,
// and HTMLCacheBytes their total length at most: reminders render one
// template for thousands of recipients, and compile it once. The least
// recently used are forgotten first.
const (
	HTMLCacheSize  = 512
	HTMLCacheBytes = 8 << 20
)

// HTMLError says why an HTML body cannot be used: it is malformed, or a
// placeholder sits where its value could not be escaped safely.
type HTMLError struct {
	// Line is the line of the HTML body at fault, from 1; 0 when unknown.
	Line int
	// Placeholder is the placeholder at fault, without brackets; empty when
	// the markup itself is at fault.
	Placeholder string
	// Message is a sentence for the person who wrote the template.
	Message string
}

// Error returns Message.
func (e *HTMLError) Error() string { return e.Message }

// ValidateHTML returns an *HTMLError when markup cannot be rendered safely:
// broken markup (a tag, quoted attribute, comment, <script> or <style> left
// open; a quote or "<" in an unquoted attribute value), or a placeholder in
// a script or style sheet. Unknown placeholders are Validate's business.
func ValidateHTML(markup string) error {
	_, err := compiledHTML(markup)
	return err
}

// RenderHTML fills markup's placeholders with v, each value escaped for its
// context by html/template. A known placeholder without a value renders
// empty; unknown bracketed words stay as written. It returns ValidateHTML's
// error, and no HTML, when markup cannot be rendered safely.
func RenderHTML(markup string, v Values) (string, error) {
	t, err := compiledHTML(markup)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(markup) + len(markup)/4)
	if v == nil {
		v = Values{}
	}
	if err := t.Execute(&b, v); err != nil {
		return "", &HTMLError{Message: "the HTML could not be rendered"}
	}
	return b.String(), nil
}

// htmlEntry is a compiled HTML body: its template, or why it has none.
type htmlEntry struct {
	tmpl *template.Template
	err  error
}

// htmlCache holds the compiled HTML bodies most recently used, keyed by
// their text, up to HTMLCacheSize of them and HTMLCacheBytes of text.
// Keyed by content, it is never stale: an edited template is another key,
// so each kith process keeping its own changes nothing.
var htmlCache = newLRU[htmlEntry](HTMLCacheSize, HTMLCacheBytes)

// compiledHTML returns markup compiled, from the cache when it is there.
func compiledHTML(markup string) (*template.Template, error) {
	if e, ok := htmlCache.get(markup); ok {
		return e.tmpl, e.err
	}
	t, err := compileHTML(markup)
	htmlCache.put(markup, htmlEntry{t, err})
	return t, err
}

// compileHTML parses markup as an html/template whose only actions are its
// known placeholders, escapes it (html/template does that on the first
// execution), and refuses placeholders in scripts and style sheets.
func compileHTML(markup string) (*template.Template, error) {
	src, left, right := htmlSource(markup)
	t, err := template.New("html").Delims(left, right).Option("missingkey=zero").Parse(src)
	if err != nil {
		// htmlSource writes only well-formed actions; a parse error is ours.
		return nil, &HTMLError{Message: "the HTML could not be read"}
	}
	if err := t.Execute(io.Discard, Values{}); err != nil {
		return nil, htmlErrorOf(err, src)
	}
	var bad *HTMLError
	forEachAction(t.Tree.Root, func(a *parse.ActionNode) {
		if where := scriptOrStyle(a); where != "" && bad == nil {
			name := placeholderOf(a)
			bad = &HTMLError{Line: lineAt(src, int(a.Position())), Placeholder: name, Message: fmt.Sprintf(
				"[%s] on line %d is inside %s; placeholders may go in text and in attribute values such as href, "+
					"not in <script> or <style> elements or in on… and style attributes",
				name, lineAt(src, int(a.Position())), where)}
		}
	})
	if bad != nil {
		return nil, bad
	}
	return t, nil
}

// forEachAction calls fn with each action of the tree under n, those
// inside sections ({{if}}) included.
func forEachAction(n parse.Node, fn func(*parse.ActionNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			forEachAction(c, fn)
		}
	case *parse.IfNode:
		forEachAction(n.List, fn)
		forEachAction(n.ElseList, fn)
	case *parse.ActionNode:
		fn(n)
	}
}

// sectionOf is the token that begins the section an {{if}} of htmlSource's
// stands for, such as "IfTelehealth"; "" when it is none.
func sectionOf(n parse.Node) string {
	var pipe *parse.PipeNode
	switch b := n.(type) {
	case *parse.IfNode:
		pipe = b.Pipe
	case *parse.BranchNode: // what html/template reports
		pipe = b.Pipe
	}
	if pipe == nil {
		return ""
	}
	for name, pipeline := range sectionPipeline {
		if "if "+pipe.String() == pipeline {
			return name
		}
	}
	return ""
}

// htmlSource writes markup as html/template source: each known placeholder
// becomes an action reading its value from Values, each section an {{if}}
// over the values its condition reads (sectionPipeline) up to its {{end}},
// and the rest is copied as it is. html/template then checks that a
// section ends in the context it starts in, and escapes what it holds. The action delimiters are chosen so that the markup contains
// neither: the left one starts with a character found nowhere else in it,
// so no text of the practice's, "{{" or otherwise, can open an action, and
// no action can begin inside the markup's own text.
func htmlSource(markup string) (src, left, right string) {
	for i := 0; ; i++ {
		left = "\u27e6kith" + strconv.Itoa(i) + "\u00a6" // ⟦kith0¦
		if !strings.Contains(markup, left) {
			break
		}
	}
	right = "\u00a6\u27e7" // ¦⟧
	var b strings.Builder
	b.Grow(len(markup) + 32)
	last := 0
	forEachPlaceholder(markup, func(start, end int, name string) bool {
		if !placeholderKnown[name] {
			return true
		}
		b.WriteString(markup[last:start])
		switch {
		case sectionPipeline[name] != "":
			b.WriteString(left + sectionPipeline[name] + right)
		case name == sectionEnd:
			b.WriteString(left + "end" + right)
		default:
			b.WriteString(left + "." + name + right)
		}
		last = end
		return true
	})
	b.WriteString(markup[last:])
	return b.String(), left, right
}

// placeholderOf is the name of the placeholder an action of htmlSource's
// reads: its first command is the field .Name.
func placeholderOf(a *parse.ActionNode) string {
	if len(a.Pipe.Cmds) > 0 && len(a.Pipe.Cmds[0].Args) > 0 {
		if f, ok := a.Pipe.Cmds[0].Args[0].(*parse.FieldNode); ok && len(f.Ident) == 1 {
			return f.Ident[0]
		}
	}
	return ""
}

// scriptOrStyle says where an escaped action sits when that is a script or a
// style sheet ("a script", "a style sheet"), else "". html/template records
// the context in the escapers it adds to the action.
func scriptOrStyle(a *parse.ActionNode) string {
	for _, cmd := range a.Pipe.Cmds {
		for _, arg := range cmd.Args {
			id, ok := arg.(*parse.IdentifierNode)
			if !ok {
				continue
			}
			switch id.Ident {
			case "_html_template_jsvalescaper", "_html_template_jsstrescaper",
				"_html_template_jsregexpescaper", "_html_template_jstmpllitescaper":
				return "a script"
			case "_html_template_cssescaper", "_html_template_cssvaluefilter":
				return "a style sheet"
			}
		}
	}
	return ""
}

// htmlErrorOf turns html/template's escaping error into a sentence for the
// template's author, naming the line and, when it can, the placeholder.
func htmlErrorOf(err error, src string) *HTMLError {
	var te *template.Error
	if !errors.As(err, &te) {
		return &HTMLError{Message: "the HTML could not be rendered"}
	}
	e := &HTMLError{Line: te.Line}
	if te.Node != nil {
		pos := int(te.Node.Position())
		e.Line = lineAt(src, pos)
		if a, ok := te.Node.(*parse.ActionNode); ok {
			e.Placeholder = placeholderOf(a)
		}
	}
	near := ""
	if e.Line > 0 {
		near = " on line " + strconv.Itoa(e.Line)
	}
	switch te.ErrorCode {
	case template.ErrEndContext:
		e.Message = "the HTML is incomplete: a tag, a quoted attribute value, a comment, or a <script> or <style> element is left open; close it so that kith can tell where each placeholder goes"
	case template.ErrBranchEnd:
		section := sectionOf(te.Node)
		if section == "" {
			section = "IfTelehealth] or [IfInPerson"
		}
		e.Message = fmt.Sprintf("the [%s] section%s does not end where it begins: put whole elements, or text within one element or one attribute value, between it and its [EndIf]", section, near)
	case template.ErrBadHTML:
		e.Message = "the HTML" + near + " is malformed: quote attribute values that hold a quote, \"<\", \"=\" or \"`\", and separate attributes with spaces"
	default:
		if e.Placeholder != "" {
			e.Message = fmt.Sprintf("[%s]%s is in a place where kith cannot tell how to escape its value; put it in text or in a quoted attribute value", e.Placeholder, near)
		} else {
			e.Message = "the HTML" + near + " is in a form kith cannot tell how to escape; put placeholders in text or in quoted attribute values"
		}
	}
	return e
}

// lineAt is the line of byte offset pos in s, from 1.
func lineAt(s string, pos int) int {
	if pos > len(s) {
		pos = len(s)
	}
	return strings.Count(s[:pos], "\n") + 1
}

// lru is a map of at most size entries, whose keys are at most bytes long
// in all, that forgets the least recently used.
type lru[V any] struct {
	mu          sync.Mutex
	size, bytes int
	used        int        // total length of the keys
	order       *list.List // of *lruItem[V], most recent first
	items       map[string]*list.Element
}

type lruItem[V any] struct {
	key   string
	value V
}

func newLRU[V any](size, bytes int) *lru[V] {
	return &lru[V]{size: size, bytes: bytes, order: list.New(), items: make(map[string]*list.Element, size)}
}

// get returns key's value and marks it used.
func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruItem[V]).value, true
}

// put stores key's value, forgetting the least recently used beyond the
// bounds. A key longer than the byte bound is not stored.
func (c *lru[V]) put(key string, value V) {
	if len(key) > c.bytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*lruItem[V]).value = value
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruItem[V]{key, value})
	c.used += len(key)
	for c.order.Len() > c.size || c.used > c.bytes {
		old := c.order.Back()
		c.order.Remove(old)
		k := old.Value.(*lruItem[V]).key
		delete(c.items, k)
		c.used -= len(k)
	}
}

// len is the number of entries.
func (c *lru[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
