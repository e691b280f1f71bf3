package sqlstore

import (
	"database/sql"
	"errors"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pool"
)

// stateChecks are the invariants of a snapshot that span rows or tables,
// checked after every value has its type and format. Each returns a
// BadRequest naming the first offending field. A section added to
// stateSections adds its checks here (references to other sections,
// status rules).
var stateChecks = []func(sn *snapshot) error{
	checkRefs,
	checkResources,
	checkOrders,
	checkNumbers,
	checkAssociations,
	checkPool,
	checkVoiceAnalytics, // state_voiceanalytics.go
}

// rowsOf returns the section and its rows.
func (sn *snapshot) rowsOf(name string) (*stateSection, [][]any) {
	return section(name), sn.rows[name]
}

// checkNumbers: each number is what libphonenumber says it is and can have
// its product type; its status agrees with its deletion time, its
// associations and its order.
func checkNumbers(sn *snapshot) error {
	t, rows := sn.rowsOf("PhoneNumbers")
	at, assocRows := sn.rowsOf("PhoneNumberAssociations")
	assocs := map[string]int{}
	for _, a := range assocRows {
		assocs[sn.str(at, a, "E164")]++
	}
	ot, orderRows := sn.rowsOf("PhoneNumberOrders")
	orders := map[string][]any{}
	for _, o := range orderRows {
		orders[sn.str(ot, o, "Id")] = o
	}
	it, itemRows := sn.rowsOf("PhoneNumberOrderItems")
	items := map[string]string{} // order + number -> item status
	for _, r := range itemRows {
		items[sn.str(it, r, "OrderId")+" "+sn.str(it, r, "E164")] = sn.str(it, r, "Status")
	}
	for i, r := range rows {
		e164, account := sn.str(t, r, "E164"), sn.str(t, r, "AccountId")
		country, typ := sn.str(t, r, "Country"), sn.str(t, r, "NumberType")
		info, ok := pool.Classify(e164)
		switch {
		case !ok:
			return badState("PhoneNumbers[%d].E164: %s is not a valid phone number (libphonenumber).", i, e164)
		case info.Country != country:
			return badState("PhoneNumbers[%d].Country: %s does not match %s, which is %s.", i, country, e164, info.Country)
		case info.Type != typ:
			return badState("PhoneNumbers[%d].NumberType: %s does not match %s, which is %s.", i, typ, e164, info.Type)
		}
		pt := chimevoice.ProductType(sn.str(t, r, "ProductType"))
		// The number may come from an imported pool, in any country.
		if !supportedIn(pt, pool.Info{Country: country, Type: typ}, true) {
			return badState("PhoneNumbers[%d].ProductType: a %s %s number cannot have product type %s.", i, country, typ, pt)
		}
		status := chimevoice.Status(sn.str(t, r, "Status"))
		deleted := r[t.col("DeletedAt")].(sql.NullInt64).Valid
		if deleted != (status == chimevoice.StatusDeleteInProgress) {
			return badState("PhoneNumbers[%d].DeletedAt: set exactly when Status is DeleteInProgress (Status is %s).", i, status)
		}
		n := assocs[e164]
		switch {
		case status == chimevoice.StatusAssigned && n == 0:
			return badState("PhoneNumbers[%d].Status: Assigned, but no PhoneNumberAssociations name %s.", i, e164)
		case status != chimevoice.StatusAssigned && n > 0:
			return badState("PhoneNumbers[%d].Status: %s, but %d PhoneNumberAssociations name %s (only Assigned numbers have associations).", i, status, n, e164)
		}
		if status == chimevoice.StatusAcquireInProgress {
			id := sn.str(t, r, "OrderId")
			o := orders[id]
			switch {
			case o == nil:
				return badState("PhoneNumbers[%d].OrderId: an AcquireInProgress number needs its order; %q is not in PhoneNumberOrders.", i, id)
			case sn.str(ot, o, "Status") != string(chimevoice.OrderProcessing) || sn.str(ot, o, "AccountId") != account:
				return badState("PhoneNumbers[%d].OrderId: an AcquireInProgress number's order is Processing and of its account; %s is not.", i, id)
			case items[id+" "+e164] != string(chimevoice.OrderedProcessing):
				return badState("PhoneNumbers[%d].OrderId: order %s has no Processing item for %s.", i, id, e164)
			}
		}
	}
	return nil
}

// owners maps the key of every row of a section to the AWS account that
// owns it (column AccountId).
func (sn *snapshot) owners(section string) map[string]string {
	t, rows := sn.rowsOf(section)
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[sn.str(t, r, t.key[0])] = sn.str(t, r, "AccountId")
	}
	return out
}

// checkRefs: the references the sections declare (stateSection.refs) name
// rows that exist.
func checkRefs(sn *snapshot) error {
	for i := range stateSections {
		t := &stateSections[i]
		for _, ref := range t.refs {
			rt, targets := sn.rowsOf(ref.section)
			keys := make(map[string]bool, len(targets))
			for _, r := range targets {
				keys[sn.str(rt, r, rt.key[0])] = true
			}
			for j, r := range sn.rows[t.json] {
				if v := sn.str(t, r, ref.col); !keys[v] {
					return badState("%s[%d].%s: %s is not in %s.", t.json, j, ref.col, v, ref.section)
				}
			}
		}
	}
	return nil
}

// checkResources: a group's Voice Connectors and a rule's applications are
// of its account; tags and sub-configurations belong to a Voice Connector
// or SIP media application of their account.
func checkResources(sn *snapshot) error {
	vcs, groups := sn.owners("VoiceConnectors"), sn.owners("VoiceConnectorGroups")
	smas, rules := sn.owners("SipMediaApplications"), sn.owners("SipRules")
	t, rows := sn.rowsOf("VoiceConnectorGroupItems")
	for i, r := range rows {
		if g, vc := sn.str(t, r, "GroupId"), sn.str(t, r, "VoiceConnectorId"); groups[g] != vcs[vc] {
			return badState("VoiceConnectorGroupItems[%d].VoiceConnectorId: %s is not of the account of group %s.", i, vc, g)
		}
	}
	t, rows = sn.rowsOf("SipRuleTargets")
	for i, r := range rows {
		if rule, sma := sn.str(t, r, "RuleId"), sn.str(t, r, "SipMediaApplicationId"); rules[rule] != smas[sma] {
			return badState("SipRuleTargets[%d].SipMediaApplicationId: %s is not of the account of rule %s.", i, sma, rule)
		}
	}
	arns := map[string]string{}
	for _, name := range []string{"VoiceConnectors", "SipMediaApplications", "VoiceProfileDomains"} {
		t, rows := sn.rowsOf(name)
		for _, r := range rows {
			arns[sn.str(t, r, "Arn")] = sn.str(t, r, "AccountId")
		}
	}
	t, rows = sn.rowsOf("ResourceTags")
	for i, r := range rows {
		if acct, ok := arns[sn.str(t, r, "Arn")]; !ok || acct != sn.str(t, r, "AccountId") {
			return badState("ResourceTags[%d].Arn: %s is not a Voice Connector, SIP media application or voice profile domain of account %s.", i, sn.str(t, r, "Arn"), sn.str(t, r, "AccountId"))
		}
	}
	t, rows = sn.rowsOf("ResourceSettings")
	for i, r := range rows {
		id, acct := sn.str(t, r, "ResourceId"), sn.str(t, r, "AccountId")
		if vcs[id] != acct && smas[id] != acct {
			return badState("ResourceSettings[%d].ResourceId: %s is not a Voice Connector or SIP media application of account %s.", i, id, acct)
		}
	}
	return nil
}

// checkAssociations: every association names a number of its account and
// a resource of that account (a legacy user of the account it names).
func checkAssociations(sn *snapshot) error {
	owner := sn.owners("PhoneNumbers")
	targets := map[chimevoice.AssociationName]map[string]string{
		chimevoice.AssocVoiceConnector:      sn.owners("VoiceConnectors"),
		chimevoice.AssocVoiceConnectorGroup: sn.owners("VoiceConnectorGroups"),
		chimevoice.AssocSipRule:             sn.owners("SipRules"),
		chimevoice.AssocAccount:             sn.owners("ChimeAccounts"),
		chimevoice.AssocUser:                {},
	}
	ut, users := sn.rowsOf("ChimeUsers")
	for _, r := range users {
		targets[chimevoice.AssocUser][sn.str(ut, r, "Id")] = targets[chimevoice.AssocAccount][sn.str(ut, r, "ChimeAccountId")]
	}
	t, rows := sn.rowsOf("PhoneNumberAssociations")
	for i, r := range rows {
		e164, account := sn.str(t, r, "E164"), sn.str(t, r, "AccountId")
		name, value := chimevoice.AssociationName(sn.str(t, r, "Name")), sn.str(t, r, "Value")
		acct, ok := owner[e164]
		switch {
		case !ok:
			return badState("PhoneNumberAssociations[%d].E164: %s is not in PhoneNumbers.", i, e164)
		case acct != account:
			return badState("PhoneNumberAssociations[%d].AccountId: %s belongs to account %s.", i, e164, acct)
		}
		if got, ok := targets[name][value]; !ok || got != account {
			return badState("PhoneNumberAssociations[%d].Value: %s %s is not a resource of account %s.", i, name, value, account)
		}
	}
	return nil
}

// checkOrders: items belong to orders; an order is Processing exactly when
// its items are, and a completed order's status is its items' outcome.
func checkOrders(sn *snapshot) error {
	ot, orders := sn.rowsOf("PhoneNumberOrders")
	type tally struct{ total, acquired, processing int }
	tallies := make(map[string]*tally, len(orders))
	for _, o := range orders {
		tallies[sn.str(ot, o, "Id")] = &tally{}
	}
	it, items := sn.rowsOf("PhoneNumberOrderItems")
	for i, r := range items {
		id := sn.str(it, r, "OrderId")
		tl := tallies[id]
		if tl == nil {
			return badState("PhoneNumberOrderItems[%d].OrderId: %s is not in PhoneNumberOrders.", i, id)
		}
		tl.total++
		switch chimevoice.OrderedNumberStatus(sn.str(it, r, "Status")) {
		case chimevoice.OrderedAcquired:
			tl.acquired++
		case chimevoice.OrderedProcessing:
			tl.processing++
		}
	}
	for i, o := range orders {
		id, status := sn.str(ot, o, "Id"), chimevoice.OrderStatus(sn.str(ot, o, "Status"))
		tl := tallies[id]
		switch {
		case tl.total == 0:
			return badState("PhoneNumberOrders[%d]: order %s has no PhoneNumberOrderItems.", i, id)
		case status == chimevoice.OrderProcessing && tl.processing != tl.total:
			return badState("PhoneNumberOrders[%d].Status: Processing, but %d of its %d items are not.", i, tl.total-tl.processing, tl.total)
		case status != chimevoice.OrderProcessing && tl.processing > 0:
			return badState("PhoneNumberOrders[%d].Status: %s, but %d of its items are still Processing.", i, status, tl.processing)
		case status != chimevoice.OrderProcessing && status != chimevoice.OrderOutcome(tl.total, tl.acquired):
			return badState("PhoneNumberOrders[%d].Status: %s, but %d of its %d items were Acquired (%s).", i, status, tl.acquired, tl.total, chimevoice.OrderOutcome(tl.total, tl.acquired))
		}
	}
	return nil
}

// poolFields maps pool.CheckEntry's field names to the section's.
var poolFields = map[string]string{"number": "E164", "country": "Country", "type": "NumberType", "city": "City", "state": "State"}

// checkPool: pool rows pass the checks of a CSV import, written as it
// normalizes them.
func checkPool(sn *snapshot) error {
	t, rows := sn.rowsOf("PoolNumbers")
	for i, r := range rows {
		in := pool.Entry{E164: sn.str(t, r, "E164"), Country: sn.str(t, r, "Country"), Type: sn.str(t, r, "NumberType"), City: sn.str(t, r, "City"), State: sn.str(t, r, "State")}
		e, err := pool.CheckEntry(in)
		var fe *pool.FieldError
		if errors.As(err, &fe) {
			return badState("PoolNumbers[%d].%s: %s.", i, poolFields[fe.Field], fe.Reason)
		}
		if err != nil {
			return err
		}
		if e != in {
			return badState("PoolNumbers[%d]: write it as %+v (normalized).", i, e)
		}
	}
	return nil
}
