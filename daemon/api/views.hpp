// The JSON shapes of shared/contract.md: an error or warning, a record, a
// submission and the coverage of its return. One place, used by the API and
// by `tonghopd check`.
#pragma once

#include <memory>

#include <boost/json/object.hpp>

#include "http/message.hpp"

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

// stream (issue 18): `o` (a submission's JSON) with its records as its last
// key, "records", as a streamed 200 response: the records are read from the
// store a block (4,096) at a time and written as they are read
// (normalise::RecordJsonWriter, the keys of record_json), so a million-record
// submission is never in memory whole. A block that cannot be read cuts the
// response short (no last chunk): the client never gets a list that looks whole.
http::Response submission_with_records(const boost::json::object& o, std::shared_ptr<const store::Store> store,
                                       const store::Submission& s,
                                       std::shared_ptr<const normalise::Catalogue> catalogue);

}  // namespace tonghop::api
