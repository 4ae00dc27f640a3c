package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/healthcard"
	"github.com/kith-health/kith/kithtest"
)

const coverageFields = `id region healthCardNumber healthCardVersion healthCardValidatedAt healthCardValidatedBy healthCardStatus healthCardNote
	billingContact { id contact { firstName } }`

type coverageOut struct {
	ID, Region, HealthCardNumber, HealthCardVersion string
	HealthCardValidatedAt                           *string
	HealthCardValidatedBy, HealthCardStatus         string
	HealthCardNote                                  string
	BillingContact                                  *struct {
		ID      string
		Contact struct{ FirstName string }
	}
}

// newQuebecer creates Marie Tremblay, born 1985-07-15, female, and returns her ID.
func newQuebecer(t *testing.T, b *bundle) string {
	t.Helper()
	var out struct{ CreateClient struct{ ID string } }
	b.api.OK(b.token, `mutation { createClient(input: {firstName: "Marie", lastName: "Tremblay", email: "marie@example.com", dateOfBirth: "1985-07-15", sexAssignedAtBirth: "Female"}) { id } }`, nil, &out)
	return out.CreateClient.ID
}

func (b *bundle) createCoverage(t *testing.T, in map[string]any) (coverageOut, kithtest.Response) {
	t.Helper()
	rsp := b.api.Do(b.token, `mutation($in: CreateCoverageInput!) { createCoverage(input: $in) { `+coverageFields+` } }`, map[string]any{"in": in})
	var out struct{ CreateCoverage coverageOut }
	if len(rsp.Errors) == 0 {
		require.NoError(t, json.Unmarshal(rsp.Data, &out))
	}
	return out.CreateCoverage, rsp
}

func TestHealthCardFormats(t *testing.T) {
	t.Parallel()
	b := setup(t)
	marie := newQuebecer(t, b)
	for _, tc := range []struct {
		name                      string
		region, number, version   string
		wantRegion, want, wantVer string
		status                    string
	}{
		{"Ontario", "Ontario", "1234-567-897", "ab", "ON", "1234567897", "AB", "VALID"},
		{"British Columbia", "BC", "9698 658 215", "", "BC", "9698658215", "", "VALID"},
		{"Québec", "Québec", "trem 8557 1512", "", "QC", "TREM85571512", "", "VALID"},
		{"Alberta", "AB", "123-456-789", "", "AB", "123456789", "", "VALID"},
		{"a region kith does not know", "Bavaria", "A 123", "", "Bavaria", "A 123", "", "UNCHECKED"},
	} {
		cov, rsp := b.createCoverage(t, map[string]any{"clientID": marie, "region": tc.region, "healthCardNumber": tc.number, "healthCardVersion": tc.version})
		require.Empty(t, rsp.Errors, tc.name)
		require.Equal(t, tc.wantRegion, cov.Region, tc.name)
		require.Equal(t, tc.want, cov.HealthCardNumber, tc.name)
		require.Equal(t, tc.wantVer, cov.HealthCardVersion, tc.name)
		require.Equal(t, tc.status, cov.HealthCardStatus, tc.name)
		require.Equal(t, "FORMAT", cov.HealthCardValidatedBy, tc.name)
		require.NotNil(t, cov.HealthCardValidatedAt, tc.name)
		require.NotEmpty(t, cov.HealthCardNote, tc.name)
	}
	before := b.count(t, "coverages")
	for _, tc := range []struct {
		name                    string
		region, number, version string
		field, message          string
	}{
		{"Ontario too short", "ON", "123456789", "", "healthCardNumber", "an Ontario health card number has 10 digits; this one has 9"},
		{"Ontario check digit", "ON", "1234-567-890", "", "healthCardNumber", "this is not an Ontario health card number: its last digit is not the check digit of the nine before it; look for a mistyped digit"},
		{"Ontario version", "ON", "1234567897", "A1", "healthCardVersion", `an Ontario version code is one or two letters, such as AB, or none; "A1" is not one`},
		{"BC check digit", "BC", "9698658216", "", "healthCardNumber", "this is not a British Columbia personal health number: its last digit is not the check digit of the others; look for a mistyped digit"},
		{"BC first digit", "BC", "8698658215", "", "healthCardNumber", "a British Columbia personal health number starts with 9; this one starts with 8"},
		{"Québec letters of another person", "QC", "GAGL85571512", "", "healthCardNumber",
			"a Québec health insurance number starts with the first three letters of the last name and the first letter of the first name: TREM for Marie Tremblay; this one starts with GAGL"},
		{"Québec birth date", "QC", "TREM85571612", "", "healthCardNumber",
			"the digits of a Québec health insurance number begin with the birth date, YYMMDD: 850715 for a client born 1985-07-15; this one has 850716"},
		{"Québec month of a man", "QC", "TREM85071512", "", "healthCardNumber",
			"for a woman the month of a Québec health insurance number is the birth month plus 50 (57, not 07)"},
	} {
		_, rsp := b.createCoverage(t, map[string]any{"clientID": marie, "region": tc.region, "healthCardNumber": tc.number, "healthCardVersion": tc.version})
		require.Len(t, rsp.Errors, 1, tc.name)
		e := rsp.Errors[0]
		require.Equal(t, "BAD_USER_INPUT", e.Code(), tc.name)
		require.Equal(t, tc.field, e.Field(), tc.name)
		require.Equal(t, tc.message, e.Message, tc.name)
	}
	require.Equal(t, before, b.count(t, "coverages"), "a refused card writes nothing")
}

func TestHealthCardUpdatesAndRevalidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	marie := newQuebecer(t, b)
	cov, rsp := b.createCoverage(t, map[string]any{"clientID": marie, "region": "QC", "healthCardNumber": "TREM85571512", "feeProgram": "RAMQ"})
	require.Empty(t, rsp.Errors)

	// A wrong number in an update changes nothing.
	e := b.api.Fail(b.token, `mutation($id: ID!) { updateCoverage(id: $id, input: {healthCardNumber: "TREM8557151"}) { id } }`, map[string]any{"id": cov.ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "healthCardNumber", e.Field())
	// Moving the card to Ontario checks it there.
	e = b.api.Fail(b.token, `mutation($id: ID!) { updateCoverage(id: $id, input: {region: "ON"}) { id } }`, map[string]any{"id": cov.ID})
	require.Equal(t, "healthCardNumber", e.Field())
	require.Contains(t, e.Message, "an Ontario health card number has only digits")
	// Other fields do not validate it again.
	var upd struct{ UpdateCoverage coverageOut }
	b.api.OK(b.token, `mutation($id: ID!) { updateCoverage(id: $id, input: {numberOfSessions: 4}) { `+coverageFields+` } }`, map[string]any{"id": cov.ID}, &upd)
	require.Equal(t, *cov.HealthCardValidatedAt, *upd.UpdateCoverage.HealthCardValidatedAt)
	require.Equal(t, "TREM85571512", upd.UpdateCoverage.HealthCardNumber)

	// validateHealthCard checks against the client as it is now.
	var again struct{ ValidateHealthCard coverageOut }
	b.api.OK(b.token, `mutation($id: ID!) { validateHealthCard(id: $id) { `+coverageFields+` } }`, map[string]any{"id": cov.ID}, &again)
	require.Equal(t, "VALID", again.ValidateHealthCard.HealthCardStatus)
	require.Equal(t, "FORMAT", again.ValidateHealthCard.HealthCardValidatedBy)
	b.api.OK(b.token, `mutation($id: ID!) { updateClient(id: $id, input: {dateOfBirth: "1986-07-15"}) { id } }`, map[string]any{"id": marie}, nil)
	e = b.api.Fail(b.token, `mutation($id: ID!) { validateHealthCard(id: $id) { id } }`, map[string]any{"id": cov.ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "healthCardNumber", e.Field())
	require.Contains(t, e.Message, "860715 for a client born 1986-07-15")

	// Clearing the number clears its validation; nothing is left to validate.
	var cleared struct{ UpdateCoverage coverageOut }
	b.api.OK(b.token, `mutation($id: ID!) { updateCoverage(id: $id, input: {clearHealthCardNumber: true}) { `+coverageFields+` } }`, map[string]any{"id": cov.ID}, &cleared)
	require.Nil(t, cleared.UpdateCoverage.HealthCardValidatedAt)
	require.Empty(t, cleared.UpdateCoverage.HealthCardStatus)
	e = b.api.Fail(b.token, `mutation($id: ID!) { validateHealthCard(id: $id) { id } }`, map[string]any{"id": cov.ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "id", e.Field())

	// Another organisation's coverage reads as missing.
	other := kithtest.NewPractice(t, b.db, "birch")
	e = b.api.Fail(other.Token, `mutation($id: ID!) { validateHealthCard(id: $id) { id } }`, map[string]any{"id": cov.ID})
	require.Equal(t, "NOT_FOUND", e.Code())
}

// eligibility is a recording eligibility service that finds every card it
// is asked about not eligible.
type eligibility struct {
	mu    sync.Mutex
	cards []healthcard.Card
}

func (e *eligibility) Validate(_ context.Context, c healthcard.Card) (healthcard.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cards = append(e.cards, c)
	return healthcard.Result{Region: c.Region, Number: c.Number, Version: c.Version, Status: healthcard.StatusNotEligible,
		Method: "Test eligibility", Note: "the card expired"}, nil
}

func TestHealthCardValidatorSeam(t *testing.T) {
	t.Parallel()
	b := setup(t)
	service := &eligibility{}
	b.db.Client.Effects.SetHealthCardValidator(service)
	marie := newQuebecer(t, b)
	cov, rsp := b.createCoverage(t, map[string]any{"clientID": marie, "region": "on", "healthCardNumber": "1234 567 897", "healthCardVersion": "ab"})
	require.Empty(t, rsp.Errors)
	require.Equal(t, "NOT_ELIGIBLE", cov.HealthCardStatus)
	require.Equal(t, "Test eligibility", cov.HealthCardValidatedBy)
	require.Equal(t, "the card expired", cov.HealthCardNote)
	require.Equal(t, []healthcard.Card{{Region: "ON", Number: "1234567897", Version: "AB", FirstName: "Marie", LastName: "Tremblay", DateOfBirth: "1985-07-15", Sex: "Female"}},
		service.cards, "the service is asked about the normalised card, with its holder")

	_, rsp = b.createCoverage(t, map[string]any{"clientID": marie, "region": "ON", "healthCardNumber": "1234567890"})
	require.Len(t, rsp.Errors, 1)
	require.Equal(t, "healthCardNumber", rsp.Errors[0].Field())
	_, rsp = b.createCoverage(t, map[string]any{"clientID": marie, "region": "Bavaria", "healthCardNumber": "1"})
	require.Empty(t, rsp.Errors)
	require.Len(t, service.cards, 1, "a card of a wrong format, or of a region kith does not know, is not sent to the service")
}

// downService is an eligibility service that does not answer.
type downService struct{}

func (downService) Validate(context.Context, healthcard.Card) (healthcard.Result, error) {
	return healthcard.Result{}, errors.New("dial tcp 10.0.0.9:443: connection refused")
}

func TestHealthCardServiceDown(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.db.Client.Effects.SetHealthCardValidator(downService{})
	marie := newQuebecer(t, b)
	cov, rsp := b.createCoverage(t, map[string]any{"clientID": marie, "region": "ON", "healthCardNumber": "1234 567 897", "healthCardVersion": "AB"})
	require.Empty(t, rsp.Errors, "a service that is down does not stop staff recording a card of the right format")
	require.Equal(t, "UNCHECKED", cov.HealthCardStatus)
	require.Equal(t, "FORMAT", cov.HealthCardValidatedBy)
	require.Contains(t, cov.HealthCardNote, "did not answer")
	require.NotContains(t, cov.HealthCardNote, "10.0.0.9", "the service's error text is not shown")
}
