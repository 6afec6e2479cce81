#include "api/http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "api/dlc/dlc_api.h"
#include "api/modelarts/modelarts_api.h"
#include "auth/acs3.h"
#include "index/record_index.h"
#include "service/job_schema.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace drover::api {
namespace {

Request Make(std::string method, std::string path, std::map<std::string, std::string> query = {}) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  r.query = std::move(query);
  r.request_id = "REQ-1";
  return r;
}

// A request that matches `route`: every {Name} segment filled in, every
// sub-resource present.
Request RequestFor(const Route& route) {
  std::string path;
  size_t start = 0;
  while (start < route.pattern.size()) {
    size_t open = route.pattern.find('{', start);
    if (open == std::string::npos) {
      path += route.pattern.substr(start);
      break;
    }
    size_t close = route.pattern.find('}', open);
    path += route.pattern.substr(start, open - start) + "7";
    start = close + 1;
  }
  std::map<std::string, std::string> query;
  for (const std::string& key : route.subresources) query[key] = "";
  return Make(route.method, path, query);
}

Response Named(const std::string& name) { return Response{200, "text/plain", name}; }

// A dialect whose routes answer with their own action name and whose
// errors read "<dialect> <status> <message>".
Dialect Fake(
    const std::string& name, std::vector<std::string> families,
    const std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>& routes) {
  Dialect d;
  d.name = name;
  d.path_families = std::move(families);
  for (auto& [method, pattern, subs] : routes) {
    std::string action = name;
    action.append(":").append(method).append(" ").append(pattern);
    for (const std::string& s : subs) action.append("?").append(s);
    d.routes.push_back(
        Route{method, pattern, subs, action, auth::Access::kRead,
              [action](Request&, const service::Principal&) { return Named(action); }});
  }
  d.render_error = [name](const core::Error& e, const Request&) {
    return Response{e.code() == core::ErrorCode::kInternal ? 500 : 400, "text/plain",
                    name + " " + std::string(core::ErrorCodeName(e.code())) + " " + e.what()};
  };
  d.not_found = [name](const Request&) {
    return Response{404, "text/plain", name + " no such API"};
  };
  return d;
}

service::Principal Admin(const Request&, const Dialect&, const Route&) {
  return service::Principal::Local();
}

// Every route of the real dialects, fed to the router: each request finds
// its own route, and near misses find no route but the right dialect's
// "no such API".
class RealDialects : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
  std::unique_ptr<index::RecordIndex> index_ = index::NewScanIndex(service::JobSchema());
  service::JobService jobs_{*store_, *index_, clock_};
};

TEST_F(RealDialects, EveryRouteWinsItsOwnRequestsAndNearMissesGetTheirFamilysAnswer) {
  Router router(Admin);
  router.Register(dlc::MakeDialect(jobs_));
  router.Register(modelarts::MakeDialect(jobs_));
  int checked = 0;
  for (const auto& dialect : router.dialects()) {
    for (const Route& route : dialect->routes) {
      Request exact = RequestFor(route);
      Router::Match m = router.Find(exact);
      ASSERT_EQ(m.route, &route) << route.method << " " << route.pattern << " found "
                                 << (m.route ? m.route->pattern : "nothing");
      EXPECT_EQ(m.dialect, dialect.get());
      for (const auto& [name, value] : exact.path_params) EXPECT_EQ(value, "7") << name;

      Request wrong_method = RequestFor(route);
      wrong_method.method = "PATCH";
      m = router.Find(wrong_method);
      EXPECT_EQ(m.route, nullptr);
      EXPECT_EQ(m.family, dialect.get()) << route.pattern;

      Request longer = RequestFor(route);
      longer.path += "/extra/more";
      m = router.Find(longer);
      EXPECT_EQ(m.route, nullptr) << longer.path;
      EXPECT_EQ(m.family, dialect.get()) << longer.path;
      ++checked;
    }
  }
  EXPECT_GE(checked, 20);

  // Outside every family: the server's neutral answer, not PAI-DLC's.
  Request stray = Make("GET", "/favicon.ico");
  EXPECT_EQ(router.Find(stray).family, nullptr);
  Response answer = router.Dispatch(stray);
  EXPECT_EQ(answer.status, 404);
  EXPECT_NE(answer.body.find("\"Code\":\"NotFound\""), std::string::npos) << answer.body;
  EXPECT_EQ(answer.body.find("InvalidAction"), std::string::npos) << answer.body;

  Request dlc_miss = Make("GET", "/api/v1/nothing");
  EXPECT_NE(router.Dispatch(dlc_miss).body.find("InvalidAction.NotFound"), std::string::npos);
  Request ma_miss = Make("GET", "/v1/proj/nothing");
  EXPECT_NE(router.Dispatch(ma_miss).body.find("ModelArts.0015"), std::string::npos);
}

TEST_F(RealDialects, ReadOnlyKeysMayCallOnlyReadRoutes) {
  service::Principal reader = service::Principal::Local();
  reader.read_only = true;
  Router router([&](const Request&, const Dialect&, const Route&) { return reader; });
  router.Register(dlc::MakeDialect(jobs_));
  Request create = Make("POST", "/api/v1/jobs");
  create.body = "{}";
  Response refused = router.Dispatch(create);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("Forbidden.RAM"), std::string::npos) << refused.body;
  Request list = Make("GET", "/api/v1/jobs");
  EXPECT_EQ(router.Dispatch(list).status, 200);
}

TEST(Router, TheMostSpecificRouteWins) {
  Router router(Admin);
  router.Register(Fake("a", {"/v1/"},
                       {{"GET", "/v1/{project}/jobs/{id}", {}},
                        {"GET", "/v1/{project}/jobs/versions", {}},
                        {"GET", "/v1/{project}/jobs", {}}}));
  router.Register(Fake("oss", {},
                       {{"GET", "/", {}},
                        {"GET", "/", {"batchJob"}},
                        {"POST", "/", {"batchJob"}},
                        {"POST", "/", {"batchJobPriority", "batchJobId"}}}));
  const std::pair<Request, std::string> cases[] = {
      {Make("GET", "/v1/p/jobs/42"), "a:GET /v1/{project}/jobs/{id}"},
      {Make("GET", "/v1/p/jobs/versions"), "a:GET /v1/{project}/jobs/versions"},
      {Make("GET", "/v1/p/jobs"), "a:GET /v1/{project}/jobs"},
      {Make("GET", "/v1/p/jobs/"), "a:GET /v1/{project}/jobs"},
      {Make("GET", "/"), "oss:GET /"},
      {Make("GET", "/", {{"batchJob", ""}}), "oss:GET /?batchJob"},
      {Make("GET", "/", {{"batchJobs", ""}}), "oss:GET /"},
      {Make("POST", "/", {{"batchJob", ""}}), "oss:POST /?batchJob"},
      {Make("POST", "/", {{"batchJobPriority", ""}, {"batchJobId", "j"}}),
       "oss:POST /?batchJobPriority?batchJobId"},
  };
  for (auto [request, want] : cases) {
    Response r = router.Dispatch(request);
    EXPECT_EQ(r.body, want) << request.method << " " << request.path;
  }
  // POST / with only one of the two sub-resources, or none: no route.
  for (Request miss : {Make("POST", "/", {{"batchJobPriority", ""}}), Make("POST", "/")}) {
    EXPECT_EQ(router.Find(miss).route, nullptr);
  }
}

TEST(Router, RefusesRoutesThatMatchTheSameRequests) {
  Router router(Admin);
  router.Register(Fake("a", {}, {{"GET", "/x/{id}", {"s"}}}));
  EXPECT_THROW(router.Register(Fake("b", {}, {{"GET", "/x/{other}", {"s"}}})), std::logic_error);
  EXPECT_NO_THROW(router.Register(Fake("c", {}, {{"GET", "/x/{id}", {}}})));
  EXPECT_THROW(router.Register(Fake("d", {}, {{"GET", "/x/{bad", {}}})), std::logic_error);
}

TEST(Router, AHostOwnerTakesItsRequestsWhateverTheirPath) {
  Router router(Admin);
  router.Register(Fake("pai", {"/api/v1/"}, {{"GET", "/api/v1/jobs", {}}}));
  Dialect oss = Fake("oss", {}, {{"GET", "/{key}", {}}});
  oss.claim_host = [](Request& r) { return r.Header("host").ends_with(".aliyuncs.com"); };
  router.Register(std::move(oss));
  Request plain = Make("GET", "/api/v1/jobs");
  EXPECT_EQ(router.Dispatch(plain).body, "pai:GET /api/v1/jobs");
  Request bucket = Make("GET", "/api/v1/jobs");
  bucket.headers["host"] = "b.oss-cn-hangzhou.aliyuncs.com";
  EXPECT_EQ(router.Dispatch(bucket).body, "oss no such API");
  bucket.path = "/object";
  EXPECT_EQ(router.Dispatch(bucket).body, "oss:GET /{key}");
}

TEST(Router, ARestParameterTakesTheRestOfThePathAsSent) {
  Router router(Admin);
  router.Register(Fake("pai", {"/api/v1/"}, {{"GET", "/api/v1/jobs", {}}}));
  router.Register(Fake("oss", {"/"},
                       {{"GET", "/", {}},
                        {"GET", "/{Bucket}", {}},
                        {"GET", "/{Bucket}/{Key+}", {}},
                        {"GET", "/{Bucket}/{Key+}", {"tagging"}}}));
  struct Case {
    std::string path;
    std::string route;
    std::string key;
  };
  const Case cases[] = {
      {"/b/a.txt", "oss:GET /{Bucket}/{Key+}", "a.txt"},
      {"/b/dir/sub/", "oss:GET /{Bucket}/{Key+}", "dir/sub/"},
      {"/b//x", "oss:GET /{Bucket}/{Key+}", "/x"},
      {"/b/a//b", "oss:GET /{Bucket}/{Key+}", "a//b"},
      {"/b", "oss:GET /{Bucket}", ""},
      {"/b/", "oss:GET /{Bucket}", ""},
      {"/", "oss:GET /", ""},
      // Another dialect's family is not a bucket.
      {"/api/v1/jobs", "pai:GET /api/v1/jobs", ""},
  };
  for (const Case& c : cases) {
    Request r = Make("GET", c.path);
    Router::Match m = router.Find(r);
    ASSERT_NE(m.route, nullptr) << c.path;
    EXPECT_EQ(m.route->action, c.route) << c.path;
    if (!c.key.empty()) {
      EXPECT_EQ(r.path_params["Key"], c.key) << c.path;
    }
  }
  Request tagging = Make("GET", "/b/k", {{"tagging", ""}});
  EXPECT_EQ(router.Dispatch(tagging).body, "oss:GET /{Bucket}/{Key+}?tagging");
  Request unknown = Make("GET", "/api/v1/nothing");
  EXPECT_EQ(router.Find(unknown).route, nullptr);
  EXPECT_EQ(router.Dispatch(unknown).body, "pai no such API");
  EXPECT_THROW(router.Register(Fake("bad", {}, {{"GET", "/{A+}/x", {}}})), std::logic_error);
}

TEST(Router, AClaimedHostIsRewrittenIntoThePathForm) {
  Router router(Admin);
  Dialect oss = Fake("oss", {"/"}, {{"GET", "/{Bucket}/{Key+}", {}}});
  oss.claim_host = [](Request& r) {
    std::string_view host = r.Header("host");
    if (!host.ends_with(".localhost")) return false;
    r.path = "/" + std::string(host.substr(0, host.size() - 10)) + r.path;
    return true;
  };
  router.Register(std::move(oss));
  Request r = Make("GET", "/dir/a.txt");
  r.headers["host"] = "bucket.localhost";
  Router::Match m = router.Find(r);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(r.path_params["Bucket"], "bucket");
  EXPECT_EQ(r.path_params["Key"], "dir/a.txt");
}

TEST(Router, EveryExceptionIsRenderedInTheDialectsFormat) {
  Dialect d = Fake("x", {}, {});
  auto add = [&](const std::string& pattern, const std::function<void()>& body) {
    d.routes.push_back(Route{"GET",
                             pattern,
                             {},
                             "x:" + pattern,
                             auth::Access::kRead,
                             [body](Request&, const service::Principal&) {
                               body();
                               return Named("unreachable");
                             }});
  };
  add("/core", [] { core::ThrowInvalid("Size", "Size must be positive."); });
  add("/std", [] { throw std::runtime_error("disk on fire"); });
  add("/alloc", [] { throw std::bad_alloc(); });
  bool admitted = false;
  d.admit = [&](const Request& r, const service::Principal&) {
    admitted = true;
    if (r.path == "/core" && r.query.contains("deny")) {
      throw core::Error(core::ErrorCode::kPermissionDenied, "not here");
    }
  };
  Router router(Admin);
  router.Register(std::move(d));
  Request core_error = Make("GET", "/core");
  EXPECT_EQ(router.Dispatch(core_error).body, "x InvalidArgument Size must be positive.");
  EXPECT_TRUE(admitted);
  Request denied = Make("GET", "/core", {{"deny", "1"}});
  EXPECT_EQ(router.Dispatch(denied).body, "x PermissionDenied not here");
  Request std_error = Make("GET", "/std");
  Response r = router.Dispatch(std_error);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "x Internal disk on fire");
  Request alloc = Make("GET", "/alloc");
  EXPECT_EQ(router.Dispatch(alloc).status, 500);
}

TEST(Router, TheGateRefusesBeforeAnyHandlerRuns) {
  bool ran = false;
  Dialect d = Fake("x", {}, {});
  d.routes.push_back(
      Route{"GET", "/a", {}, "x:A", auth::Access::kRead, [&](Request&, const service::Principal&) {
              ran = true;
              return Named("ran");
            }});
  Router router([](const Request&, const Dialect&, const Route&) -> service::Principal {
    throw auth::AuthError(auth::Failure::kSignatureMismatch, "bad signature");
  });
  router.Register(std::move(d));
  Request r = Make("GET", "/a");
  EXPECT_EQ(router.Dispatch(r).body, "x Unauthenticated bad signature");
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace drover::api
