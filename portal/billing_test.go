package portal_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// billingFamily is the family with invoices: Pat manages Sam's billing and
// only sees Kim's forms; Alex is a client with its own portal access.
type billingFamily struct {
	*family
	patS, alexS    string // Pat's and Alex's session tokens
	samInv, kimInv string // an OPEN invoice of each
	alexInv        string
}

func billingSetup(t *testing.T) *billingFamily {
	t.Helper()
	f := &billingFamily{family: setup(t)}
	f.patS = f.claim(t, f.inviteContact(t, f.samLink, []string{"MANAGE_BILLING"}, false))
	f.claim(t, f.inviteContact(t, f.kimLink, []string{"VIEW_FORMS"}, false))
	f.api.OK(f.p.Token, `mutation($id: ID!) { inviteClientToPortal(clientId: $id) { id } }`, map[string]any{"id": f.family.alex}, nil)
	f.alexS = f.claim(t, token(t, f.api.Outbox.Last(t, "alex@stone.example").Link))
	f.samInv = f.issue(t, f.sam, 6000)
	f.kimInv = f.issue(t, f.kim, 6000)
	f.alexInv = f.issue(t, f.family.alex, 6000)
	return f
}

// issue has staff invoice client for one line of cents, and returns its ID.
func (f *billingFamily) issue(t *testing.T, client string, cents int) string {
	t.Helper()
	var out struct{ CreateInvoice struct{ ID string } }
	f.api.OK(f.p.Token, `mutation($c: ID!, $in: CreateInvoiceInput!) { createInvoice(clientId: $c, input: $in) { id } }`,
		map[string]any{"c": client, "in": map[string]any{"currency": "CAD", "lines": []map[string]any{{"description": "Session", "unitAmountCents": cents}}}}, &out)
	return out.CreateInvoice.ID
}

const payMutation = `mutation($in: PayPortalInvoiceInput!) { payPortalInvoice(input: $in) {
	id status amountCents failureReason cardLast4 paidBy invoice { id number status paidAt } } }`

type paid struct {
	PayPortalInvoice struct {
		ID, Status, FailureReason, CardLast4, PaidBy string
		AmountCents                                  int
		Invoice                                      struct {
			ID, Number, Status string
			PaidAt             *string
		}
	}
}

func pay(invoice, key string, card map[string]any) map[string]any {
	in := map[string]any{"invoiceId": invoice, "idempotencyKey": key}
	for k, v := range card {
		in[k] = v
	}
	return map[string]any{"in": in}
}

// addCard saves a card from token as session acting for client, and returns its ID.
func (f *billingFamily) addCard(t *testing.T, session, client, tok string) string {
	t.Helper()
	var out struct{ AddPortalCard struct{ ID string } }
	f.api.Acting(client).OK(session, `mutation($t: String!) { addPortalCard(token: $t) { id } }`, map[string]any{"t": tok}, &out)
	return out.AddPortalCard.ID
}

// invoices lists the invoice IDs session reads acting for client.
func (f *billingFamily) invoices(t *testing.T, session, client string) []string {
	t.Helper()
	var out struct{ PortalInvoices []struct{ ID string } }
	f.api.Acting(client).OK(session, `{ portalInvoices { id } }`, nil, &out)
	ids := []string{}
	for _, i := range out.PortalInvoices {
		ids = append(ids, i.ID)
	}
	return ids
}

func TestStaffIssueAndVoidInvoices(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var out struct {
		CreateInvoice struct {
			ID, Number, Currency, Status, DueDate string
			TotalCents                            int
			Lines                                 []struct {
				Description                            string
				Quantity, UnitAmountCents, AmountCents int
			}
		}
	}
	in := map[string]any{"currency": " cad ", "dueDate": "2026-06-01", "lines": []map[string]any{
		{"description": " Therapy session ", "quantity": 2, "unitAmountCents": 12000},
		{"description": "Report", "unitAmountCents": 4550},
	}}
	create := `mutation($c: ID!, $in: CreateInvoiceInput!) { createInvoice(clientId: $c, input: $in) {
		id number currency status dueDate totalCents lines { description quantity unitAmountCents amountCents } } }`
	f.api.OK(f.p.Token, create, map[string]any{"c": f.sam, "in": in}, &out)
	inv := out.CreateInvoice
	require.Equal(t, "INV-0001", inv.Number)
	require.Equal(t, "CAD", inv.Currency)
	require.Equal(t, "OPEN", inv.Status)
	require.Equal(t, 28550, inv.TotalCents)
	require.Equal(t, "Therapy session", inv.Lines[0].Description)
	require.Equal(t, 24000, inv.Lines[0].AmountCents)
	require.Equal(t, 1, inv.Lines[1].Quantity)
	f.api.OK(f.p.Token, create, map[string]any{"c": f.kim, "in": in}, &out)
	require.Equal(t, "INV-0002", out.CreateInvoice.Number)

	// Bad input names its field; nothing is written.
	for field, bad := range map[string]map[string]any{
		"lines":                   {"currency": "CAD", "lines": []any{}},
		"lines.0.quantity":        {"currency": "CAD", "lines": []map[string]any{{"description": "x", "quantity": 0, "unitAmountCents": 1}}},
		"lines.0.description":     {"currency": "CAD", "lines": []map[string]any{{"description": " ", "unitAmountCents": 1}}},
		"lines.0.unitAmountCents": {"currency": "CAD", "lines": []map[string]any{{"description": "x", "unitAmountCents": -5}}},
		"currency":                {"currency": "dollars", "lines": []map[string]any{{"description": "x", "unitAmountCents": 1}}},
		"dueDate":                 {"currency": "CAD", "dueDate": "June", "lines": []map[string]any{{"description": "x", "unitAmountCents": 1}}},
	} {
		e := f.api.Fail(f.p.Token, create, map[string]any{"c": f.sam, "in": bad})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), field)
		require.Equal(t, field, e.Field())
	}
	e := f.api.Fail(f.p.Token, create, map[string]any{"c": f.sam, "in": map[string]any{"currency": "CAD", "lines": []map[string]any{{"description": "free", "unitAmountCents": 0}}}})
	require.Equal(t, "lines", e.Field())

	// The client lists its invoices, newest first; voiding is final.
	other := f.issueVia(t, f.sam)
	var list struct {
		Node struct{ Invoices []struct{ ID, Number string } }
	}
	f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on Client { invoices { id number } } } }`, map[string]any{"id": f.sam}, &list)
	require.Len(t, list.Node.Invoices, 2)
	require.Equal(t, other, list.Node.Invoices[0].ID)
	require.Equal(t, "INV-0003", list.Node.Invoices[0].Number)
	var v struct {
		VoidInvoice struct {
			Status   string
			VoidedAt *string
		}
	}
	f.api.OK(f.p.Token, `mutation($id: ID!) { voidInvoice(id: $id) { status voidedAt } }`, map[string]any{"id": inv.ID}, &v)
	require.Equal(t, "VOID", v.VoidInvoice.Status)
	require.NotNil(t, v.VoidInvoice.VoidedAt)
	e = f.api.Fail(f.p.Token, `mutation($id: ID!) { voidInvoice(id: $id) { status } }`, map[string]any{"id": inv.ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "already VOID")

	// Another organisation's staff find nothing.
	o := kithtest.NewPractice(t, f.db, "other")
	e = f.api.Fail(o.Token, `mutation($id: ID!) { voidInvoice(id: $id) { status } }`, map[string]any{"id": other})
	require.Equal(t, "NOT_FOUND", e.Code())
	e = f.api.Fail(o.Token, create, map[string]any{"c": f.sam, "in": in})
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "clientId", e.Field())
	e = f.api.Fail(o.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": other})
	require.Equal(t, "NOT_FOUND", e.Code())
}

// issueVia issues a one-line invoice as the practice's owner.
func (f *family) issueVia(t *testing.T, client string) string {
	t.Helper()
	return (&billingFamily{family: f}).issue(t, client, 1000)
}

func TestBillingScopeMatrix(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)

	// Who reads what: the client itself and a contact with MANAGE_BILLING
	// read the acting client's invoices; a contact without it reads none.
	require.Equal(t, []string{f.alexInv}, f.invoices(t, f.alexS, f.family.alex))
	require.Equal(t, []string{f.samInv}, f.invoices(t, f.patS, f.sam))
	require.Empty(t, f.invoices(t, f.patS, f.kim))

	// Cards: the client and the billing contact add them; the other contact cannot.
	alexCard := f.addCard(t, f.alexS, f.family.alex, "tok_visa")
	samCard := f.addCard(t, f.patS, f.sam, "tok_mastercard")
	e := f.api.Acting(f.kim).Fail(f.patS, `mutation { addPortalCard(token: "tok_visa") { id } }`, nil)
	require.Equal(t, "FORBIDDEN", e.Code())
	require.Empty(t, f.api.Payments.Charges())
	kimCard := f.systemCard(t, f.kim)
	var cards struct {
		PortalSavedCards []struct{ ID, Brand, Last4, AddedBy string }
	}
	f.api.Acting(f.sam).OK(f.patS, `{ portalSavedCards { id brand last4 addedBy } }`, nil, &cards)
	require.Len(t, cards.PortalSavedCards, 1)
	require.Equal(t, "mastercard", cards.PortalSavedCards[0].Brand)
	require.Equal(t, patEmail, cards.PortalSavedCards[0].AddedBy)
	f.api.Acting(f.kim).OK(f.patS, `{ portalSavedCards { id } }`, nil, &cards)
	require.Empty(t, cards.PortalSavedCards)

	// What the portal may not reach reads as missing: Kim's invoice and
	// card, for Pat acting for Kim (no scope) or for Sam (another client),
	// and the other children's records for the client Alex.
	for _, c := range []struct{ session, client, invoice, card string }{
		{f.patS, f.kim, f.kimInv, kimCard},
		{f.patS, f.sam, f.kimInv, kimCard},
		{f.patS, f.sam, f.alexInv, alexCard},
		{f.alexS, f.family.alex, f.samInv, samCard},
	} {
		e := f.api.Acting(c.client).Fail(c.session, payMutation, pay(c.invoice, "k-"+c.invoice, map[string]any{"token": "tok_visa"}))
		require.Equal(t, "NOT_FOUND", e.Code())
		require.Equal(t, "invoiceId", e.Field())
		e = f.api.Acting(c.client).Fail(c.session, `mutation($id: ID!) { removePortalCard(id: $id) }`, map[string]any{"id": c.card})
		require.Equal(t, "NOT_FOUND", e.Code())
		e = f.api.Acting(c.client).Fail(c.session, payMutation, pay(f.samInv, "k-card", map[string]any{"cardId": c.card}))
		if c.client != f.sam {
			require.Equal(t, "NOT_FOUND", e.Code())
		} else {
			require.Equal(t, "cardId", e.Field())
			require.Equal(t, "NOT_FOUND", e.Code())
		}
	}
	require.Empty(t, f.api.Payments.Charges())

	// The client and the billing contact pay.
	var out paid
	f.api.Acting(f.family.alex).OK(f.alexS, payMutation, pay(f.alexInv, "alex-1", map[string]any{"cardId": alexCard}), &out)
	require.Equal(t, "SUCCEEDED", out.PayPortalInvoice.Status)
	require.Equal(t, "4242", out.PayPortalInvoice.CardLast4)
	f.api.Acting(f.sam).OK(f.patS, payMutation, pay(f.samInv, "pat-1", map[string]any{"cardId": samCard}), &out)
	require.Equal(t, "PAID", out.PayPortalInvoice.Invoice.Status)
	require.Equal(t, patEmail, out.PayPortalInvoice.PaidBy)
	require.Len(t, f.api.Payments.Charges(), 2)

	// A client Pat is no contact of, and no header at all.
	e = f.api.Acting(f.family.alex).Fail(f.patS, `{ portalInvoices { id } }`, nil)
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "X-Kith-Client", e.Field())
	e = f.api.Fail(f.patS, `{ portalInvoices { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())

	// Revoked: from the next request, nothing.
	f.api.OK(f.p.Token, `mutation($id: ID!) { revokeContactPortal(linkId: $id) { id } }`, map[string]any{"id": f.samLink}, nil)
	for _, q := range []string{`{ portalInvoices { id } }`, `{ portalSavedCards { id } }`} {
		require.Equal(t, "NOT_FOUND", f.api.Acting(f.sam).Fail(f.patS, q, nil).Code())
	}
	e = f.api.Acting(f.sam).Fail(f.patS, `mutation { addPortalCard(token: "tok_visa") { id } }`, nil)
	require.Equal(t, "NOT_FOUND", e.Code())

	// Staff of another organisation, staff on portal fields, visitors.
	o := kithtest.NewPractice(t, f.db, "other")
	e = f.api.Fail(o.Token, `mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": f.kimInv})
	require.Equal(t, "NOT_FOUND", e.Code())
	require.Equal(t, "FORBIDDEN", f.api.Fail(f.p.Token, `{ portalInvoices { id } }`, nil).Code())
	require.Equal(t, "FORBIDDEN", f.api.Acting(f.family.alex).Fail(f.alexS, `mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": f.alexInv}).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Fail("", `{ portalSavedCards { id } }`, nil).Code())
	require.Equal(t, "UNAUTHENTICATED", f.api.Acting(f.sam).Fail("", payMutation, pay(f.kimInv, "v", map[string]any{"token": "tok_visa"})).Code())
	require.Len(t, f.api.Payments.Charges(), 2)
}

// systemCard saves a card for client directly, as kith itself.
func (f *billingFamily) systemCard(t *testing.T, client string) string {
	t.Helper()
	ctx := viewer.NewContext(context.Background(), viewer.System{OrgID: f.p.Org.ID})
	c := f.db.Client.SavedCard.Create().SetOrganizationID(f.p.Org.ID).SetClientID(pulid.ID(client)).
		SetAddedBy("someone@else.example").SetProviderToken("card_test_other").SetBrand("visa").SetLast4("1111").
		SetExpMonth(1).SetExpYear(2030).SaveX(ctx)
	return string(c.ID)
}

func TestPayingDeclinesAndRetries(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	acting := f.api.Acting(f.sam)
	poor := f.addCard(t, f.patS, f.sam, "tok_insufficient_funds")

	// A decline is an answer: a FAILED payment, the invoice still OPEN.
	var out paid
	acting.OK(f.patS, payMutation, pay(f.samInv, "key-1", map[string]any{"cardId": poor}), &out)
	declined := out.PayPortalInvoice
	require.Equal(t, "FAILED", declined.Status)
	require.Equal(t, "the card has insufficient funds", declined.FailureReason)
	require.Equal(t, "OPEN", declined.Invoice.Status)
	require.Equal(t, 6000, declined.AmountCents)

	// The same key again is the same answer, and no second charge.
	acting.OK(f.patS, payMutation, pay(f.samInv, "key-1", map[string]any{"cardId": poor}), &out)
	require.Equal(t, declined.ID, out.PayPortalInvoice.ID)
	require.Len(t, f.api.Payments.Charges(), 1)
	// The same key with another card is another payment: CONFLICT, as a booking's key.
	e0 := acting.Fail(f.patS, payMutation, pay(f.samInv, "key-1", map[string]any{"token": "tok_visa"}))
	require.Equal(t, "CONFLICT", e0.Code())
	require.Equal(t, "idempotencyKey", e0.Field())
	require.Contains(t, e0.Message, "make a new key for each payment")
	require.Len(t, f.api.Payments.Charges(), 1)

	// A bad token or no card at all are errors, and change nothing.
	e := acting.Fail(f.patS, payMutation, pay(f.samInv, "key-2", map[string]any{"token": "tok_bogus"}))
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "token", e.Field())
	e = acting.Fail(f.patS, payMutation, pay(f.samInv, "key-2", nil))
	require.Equal(t, "cardId", e.Field())
	e = acting.Fail(f.patS, payMutation, pay(f.samInv, "key-2", map[string]any{"cardId": poor, "token": "tok_visa"}))
	require.Equal(t, "cardId", e.Field())
	e = acting.Fail(f.patS, payMutation, pay(f.samInv, " ", map[string]any{"token": "tok_visa"}))
	require.Equal(t, "idempotencyKey", e.Field())

	// The provider down: INTERNAL, and the invoice stays OPEN with no payment.
	f.api.Payments.Fail(errors.New("connection refused"))
	e = acting.Fail(f.patS, payMutation, pay(f.samInv, "key-2", map[string]any{"token": "tok_visa"}))
	require.Equal(t, "INTERNAL", e.Code())
	require.NotContains(t, e.Message, "refused")
	f.api.Payments.Fail(nil)

	// A new key with a good card pays; its retry answers the same payment.
	acting.OK(f.patS, payMutation, pay(f.samInv, "key-2", map[string]any{"token": "tok_visa"}), &out)
	ok := out.PayPortalInvoice
	require.Equal(t, "SUCCEEDED", ok.Status)
	require.Equal(t, "PAID", ok.Invoice.Status)
	require.NotNil(t, ok.Invoice.PaidAt)
	require.Empty(t, ok.CardLast4) // a one-time card is not saved
	acting.OK(f.patS, payMutation, pay(f.samInv, "key-2", map[string]any{"token": "tok_visa"}), &out)
	require.Equal(t, ok.ID, out.PayPortalInvoice.ID)
	require.Len(t, f.api.Payments.Charges(), 2)

	// Paying a paid invoice, or reusing a key for another invoice, is refused.
	e = acting.Fail(f.patS, payMutation, pay(f.samInv, "key-3", map[string]any{"token": "tok_visa"}))
	require.Equal(t, "invoiceId", e.Field())
	require.Contains(t, e.Message, "already paid")
	second := f.issue(t, f.sam, 2500)
	e = acting.Fail(f.patS, payMutation, pay(second, "key-2", map[string]any{"token": "tok_visa"}))
	require.Equal(t, "CONFLICT", e.Code())
	require.Equal(t, "idempotencyKey", e.Field())
	require.Len(t, f.api.Payments.Charges(), 2)
	e = f.api.Fail(f.p.Token, `mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": f.samInv})
	require.Equal(t, "BAD_USER_INPUT", e.Code())

	// Staff see both attempts and the activity.
	var staff struct {
		Node struct {
			Invoices []struct {
				Number, Status string
				Payments       []struct{ Status, PaidBy, IdempotencyKey string }
			}
			PortalActivity []struct{ Action, Detail string }
		}
	}
	f.api.OK(f.p.Token, `query($id: ID!) { node(id: $id) { ... on Client {
		invoices(status: PAID) { number status payments { status paidBy idempotencyKey } }
		portalActivity { action detail } } } }`, map[string]any{"id": f.sam}, &staff)
	require.Len(t, staff.Node.Invoices, 1)
	require.Len(t, staff.Node.Invoices[0].Payments, 2)
	actions := map[string]string{}
	for _, a := range staff.Node.PortalActivity {
		actions[a.Action] = a.Detail
	}
	require.Equal(t, "INV-0001", actions["INVOICE_PAID"])
	require.Equal(t, "INV-0001", actions["PAYMENT_DECLINED"])
	require.Equal(t, "visa ending 9995", actions["CARD_ADDED"])
}

func TestConcurrentPaymentsChargeOnce(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	succeeded := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rsp := f.api.Acting(f.sam).Do(f.patS, payMutation, pay(f.samInv, fmt.Sprintf("race-%d", i), map[string]any{"token": "tok_visa"}))
			if len(rsp.Errors) == 0 {
				mu.Lock()
				succeeded++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 1, succeeded)
	require.Len(t, f.api.Payments.Charges(), 1)
	sys := viewer.SystemContext(context.Background())
	require.Equal(t, 1, f.db.Client.Payment.Query().Where(payment.StatusEQ(payment.StatusSucceeded)).CountX(sys))
}

func TestCardsAreKeptOnlyAsProviderTokens(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	id := f.addCard(t, f.patS, f.sam, "tok_visa")
	var cards struct {
		PortalSavedCards []struct {
			ID, Brand, Last4  string
			ExpMonth, ExpYear int
		}
	}
	f.api.Acting(f.sam).OK(f.patS, `{ portalSavedCards { id brand last4 expMonth expYear } }`, nil, &cards)
	require.Equal(t, "4242", cards.PortalSavedCards[0].Last4)
	require.Equal(t, 2034, cards.PortalSavedCards[0].ExpYear)
	var out paid
	f.api.Acting(f.sam).OK(f.patS, payMutation, pay(f.samInv, "k", map[string]any{"cardId": id}), &out)
	require.Equal(t, "SUCCEEDED", out.PayPortalInvoice.Status)

	// No field of the API shows the token.
	e := f.api.Acting(f.sam).Fail(f.patS, `{ portalSavedCards { providerToken } }`, nil)
	require.Contains(t, e.Message, "providerToken")

	// Every value stored for cards and payments: the provider's token, brand,
	// last four digits, expiry; never a card number or the one-time token.
	digits := regexp.MustCompile(`\d{12,19}`)
	for _, table := range []string{"saved_cards", "payments"} {
		rows, err := f.db.SQL.Query("SELECT * FROM " + table)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		n := 0
		for rows.Next() {
			n++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			for i, v := range vals {
				s := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					s = string(b)
				}
				require.False(t, digits.MatchString(s), "%s.%s = %s", table, cols[i], s)
				require.NotContains(t, s, "tok_visa", "%s.%s", table, cols[i])
				if cols[i] == "provider_token" {
					require.True(t, strings.HasPrefix(s, "card_test_"), s)
				}
			}
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		require.Equal(t, 1, n, table)
	}

	// Removing a card removes it at the provider too.
	sys := viewer.SystemContext(context.Background())
	tok := f.db.Client.SavedCard.GetX(sys, pulid.ID(id)).ProviderToken
	require.True(t, f.api.Payments.Saved(tok))
	var rm struct{ RemovePortalCard string }
	f.api.Acting(f.sam).OK(f.patS, `mutation($id: ID!) { removePortalCard(id: $id) }`, map[string]any{"id": id}, &rm)
	require.Equal(t, id, rm.RemovePortalCard)
	require.False(t, f.api.Payments.Saved(tok))
	e = f.api.Acting(f.sam).Fail(f.patS, `mutation($id: ID!) { removePortalCard(id: $id) }`, map[string]any{"id": id})
	require.Equal(t, "NOT_FOUND", e.Code())
	e = f.api.Acting(f.sam).Fail(f.patS, `mutation { addPortalCard(token: "tok_declined") { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "declined")
}

// TestInvoicesIssuedAtOnceGetDistinctNumbers: 20 invoices issued at the
// same moment all succeed, numbered INV-0001 to INV-0020 once each (on
// PostgreSQL the organisation's row is locked while one is numbered).
func TestInvoicesIssuedAtOnceGetDistinctNumbers(t *testing.T) {
	t.Parallel()
	f := &billingFamily{family: setup(t)}
	const n = 20
	numbers := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rsp := f.api.Do(f.p.Token, `mutation($c: ID!, $in: CreateInvoiceInput!) { createInvoice(clientId: $c, input: $in) { number } }`,
				map[string]any{"c": f.sam, "in": map[string]any{"currency": "CAD", "lines": []map[string]any{{"description": "Session", "unitAmountCents": 100}}}})
			if len(rsp.Errors) > 0 {
				numbers <- "error: " + rsp.Errors[0].Message
				return
			}
			var out struct{ CreateInvoice struct{ Number string } }
			_ = json.Unmarshal(rsp.Data, &out)
			numbers <- out.CreateInvoice.Number
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for num := range numbers {
		require.NotContains(t, num, "error", num)
		seen[num] = true
	}
	require.Len(t, seen, n)
	require.True(t, seen["INV-0001"] && seen[fmt.Sprintf("INV-%04d", n)])
}
