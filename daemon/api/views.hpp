// The JSON shapes of shared/contract.md: an error or warning, a record, a
// submission and the coverage of its return. One place, used by the API and
// by `tonghopd check`.
#pragma once

#include <boost/json/object.hpp>

#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"
#include "store/store.hpp"

namespace tonghop::api {

boost::json::object issue_json(const normalise::Issue& issue);
boost::json::object record_json(const normalise::Record& record, const normalise::Catalogue& catalogue);
boost::json::object submission_json(const store::Submission& s);
boost::json::array issues_json(const std::vector<normalise::Issue>& issues);
// Which fields a return carries and where (column or key), which are read
// from the name, and which of the catalogue it does not carry.
boost::json::object coverage_json(const normalise::Layout& layout);

}  // namespace tonghop::api
