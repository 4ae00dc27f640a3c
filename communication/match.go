package communication

import (
	"context"
	"fmt"
	"slices"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/clientcontact"
	"github.com/kith-health/kith/ent/clientprofile"
	"github.com/kith-health/kith/ent/communicationparty"
	"github.com/kith-health/kith/ent/contact"
	"github.com/kith-health/kith/ent/predicate"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Party is one person a communication concerns, as Match finds them or
// staff set them: exactly one of ClientID, ContactID and StaffID.
type Party struct {
	// ClientID, ContactID and StaffID name the person.
	ClientID, ContactID, StaffID pulid.ID
	// Candidate says the client may be concerned, not certainly: a client of
	// a matched contact linked to several.
	Candidate bool
	// MatchedBy says how kith found the person.
	MatchedBy communicationparty.MatchedBy
	// Address is the address that matched.
	Address string
}

// Addresses are a communication's addresses read for matching: emails
// lower-cased, phone numbers in E.164 (read in the organisation's phone
// region); what is neither is left out.
type Addresses struct {
	Emails, Phones []string
}

// ReadAddresses sorts raw addresses into emails and phone numbers, as
// Match compares them.
func ReadAddresses(region string, raw ...string) Addresses {
	var a Addresses
	seen := map[string]bool{}
	for _, r := range raw {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if strings.Contains(r, "@") {
			e, err := schematype.NormalizeEmail(r)
			if err == nil && e != "" && !seen[e] {
				seen[e] = true
				a.Emails = append(a.Emails, e)
			}
			continue
		}
		p, err := schematype.NormalizePhone(r, region)
		if err == nil && p != "" && !seen[p] {
			seen[p] = true
			a.Phones = append(a.Phones, p)
		}
	}
	return a
}

// Match finds who addresses concern in the organisation db reads (the
// caller's viewer confines it): clients by email, mobile or other phone;
// contacts by email or phone; staff by email or direct line. A matched
// contact's clients are parties too: for certain when it is linked to one
// client, as candidates when to several. A client matched directly is
// never also a candidate.
func Match(ctx context.Context, db *ent.Client, a Addresses) ([]Party, error) {
	if len(a.Emails) == 0 && len(a.Phones) == 0 {
		return nil, nil
	}
	var parties []Party
	clients, err := db.ClientProfile.Query().Where(clientprofile.Or(clientMatches(a)...)).
		Select(clientprofile.FieldID, clientprofile.FieldEmail, clientprofile.FieldMobilePhone).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("matching clients: %w", err)
	}
	direct := map[pulid.ID]bool{}
	for _, c := range clients {
		direct[c.ID] = true
		parties = append(parties, Party{ClientID: c.ID, MatchedBy: communicationparty.MatchedByAddress, Address: matched(a, c.Email, c.MobilePhone)})
	}
	contacts, err := db.Contact.Query().Where(contact.Or(fieldIn[predicate.Contact](contact.FieldEmail, a.Emails), fieldIn[predicate.Contact](contact.FieldPhone, a.Phones))).
		Select(contact.FieldID, contact.FieldEmail, contact.FieldPhone).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("matching contacts: %w", err)
	}
	if len(contacts) > 0 {
		ids := make([]pulid.ID, len(contacts))
		for i, c := range contacts {
			ids[i] = c.ID
			parties = append(parties, Party{ContactID: c.ID, MatchedBy: communicationparty.MatchedByAddress, Address: matched(a, c.Email, c.Phone)})
		}
		links, err := db.ClientContact.Query().Where(clientcontact.ContactIDIn(ids...)).
			Select(clientcontact.FieldContactID, clientcontact.FieldClientID).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("matching the clients of contacts: %w", err)
		}
		byContact := map[pulid.ID][]pulid.ID{}
		for _, l := range links {
			byContact[l.ContactID] = append(byContact[l.ContactID], l.ClientID)
		}
		added := map[pulid.ID]bool{}
		for _, c := range contacts {
			clients := byContact[c.ID]
			for _, id := range clients {
				if direct[id] || added[id] {
					continue
				}
				added[id] = true
				parties = append(parties, Party{ClientID: id, Candidate: len(clients) > 1, MatchedBy: communicationparty.MatchedByLink})
			}
		}
		parties = certainWins(parties)
	}
	members, err := db.Staff.Query().Where(staff.Or(fieldIn[predicate.Staff](staff.FieldEmail, a.Emails), fieldIn[predicate.Staff](staff.FieldPhone, a.Phones))).
		Select(staff.FieldID, staff.FieldEmail, staff.FieldPhone).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("matching staff: %w", err)
	}
	for _, s := range members {
		parties = append(parties, Party{StaffID: s.ID, MatchedBy: communicationparty.MatchedByAddress, Address: matched(a, s.Email, s.Phone)})
	}
	return parties, nil
}

// certainWins drops a candidate client that another contact made certain.
func certainWins(parties []Party) []Party {
	certain := map[pulid.ID]bool{}
	for _, p := range parties {
		if p.ClientID != "" && !p.Candidate {
			certain[p.ClientID] = true
		}
	}
	out := parties[:0]
	for _, p := range parties {
		if p.Candidate && certain[p.ClientID] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// clientMatches are the conditions of a client matching a: its email, its
// mobile, or one of its other phones (held as JSON, read as text on both
// databases: an E.164 number in quotes cannot occur there by chance).
func clientMatches(a Addresses) []predicate.ClientProfile {
	ps := []predicate.ClientProfile{
		fieldIn[predicate.ClientProfile](clientprofile.FieldEmail, a.Emails),
		fieldIn[predicate.ClientProfile](clientprofile.FieldMobilePhone, a.Phones),
	}
	for _, p := range a.Phones {
		quoted := `%"` + p + `"%`
		ps = append(ps, func(s *entsql.Selector) {
			s.Where(entsql.P(func(b *entsql.Builder) {
				b.WriteString("CAST(").Ident(s.C(clientprofile.FieldOtherPhones)).WriteString(" AS TEXT) LIKE ").Arg(quoted)
			}))
		})
	}
	return ps
}

// fieldIn is "column IN values" for any entity, false for no values.
func fieldIn[P ~func(*entsql.Selector)](column string, values []string) P {
	return func(s *entsql.Selector) {
		if len(values) == 0 {
			s.Where(entsql.False())
			return
		}
		args := make([]any, len(values))
		for i, v := range values {
			args[i] = v
		}
		s.Where(entsql.In(s.C(column), args...))
	}
}

// matched is the first of a person's addresses that a holds.
func matched(a Addresses, mine ...string) string {
	for _, m := range mine {
		for _, x := range slices.Concat(a.Emails, a.Phones) {
			if m != "" && m == x {
				return m
			}
		}
	}
	return ""
}
