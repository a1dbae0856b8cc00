#include "tests/app/test_site.h"

#include <iconv.h>

#include <chrono>
#include <stdexcept>

#include <httplib.h>

#include "tests/wait_until.h"

namespace kuzet::testing {

std::string ToWindows1251(const std::string& utf8) {
  iconv_t cd = iconv_open("WINDOWS-1251", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open failed");
  std::string in = utf8;
  std::string out(in.size(), '\0');
  char* in_ptr = in.data();
  char* out_ptr = out.data();
  size_t in_left = in.size();
  size_t out_left = out.size();
  size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1)) throw std::runtime_error("iconv failed");
  out.resize(out.size() - out_left);
  return out;
}

namespace {

const char* kIndex = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Steppe Labour News</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>
<body><nav><a href="/">Home</a> <a href="/about.html#team">About</a></nav>
<h1>Latest</h1>
<ul>
 <li><a href="/en/strike.html?utm_source=front">Oil workers in Zhanaozen strike again</a></li>
 <li><a href="/ru/zabastovka.html">Забастовка нефтяников в Жанаозене</a></li>
 <li><a href="/en/weather.html">Weather in Almaty</a></li>
 <li><a href="http://example.invalid/elsewhere.html">A story on another site</a></li>
</ul>
<footer>Steppe Labour News, Zhanaozen bureau</footer></body></html>)";

const char* kEnglishArticle = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Oil workers strike again | Steppe Labour News</title></head>
<body><header><a href="/">Steppe Labour News</a></header>
<article><h1>Oil workers strike again</h1>
<p>Oil workers in Zhanaozen walked off the job on Monday, demanding the wage rises they were
promised. The workers say the subsidiary of KazMunaiGas has ignored their letters for months.</p>
<p>The town has a long memory of labour disputes, and union organisers say that this time the
strikers will stay out until the company negotiates with them in good faith.</p>
</article>
<aside><h3>Related</h3><a href="/ru/zabastovka.html">Another strike</a></aside>
<div id="comments" class="comments-area"><h3>Leave a Reply</h3>
<form action="/wp-comments-post.php"><textarea name="comment"></textarea></form>
<div class="comment">I was in Zhanaozen in 2011 and KazMunaiGas never listened.</div></div>
</body></html>)";

const char* kRussianArticle = R"(<!doctype html>
<html><head><meta charset="windows-1251"><title>Забастовка нефтяников</title></head>
<body><nav><a href="/">Главная</a></nav>
<div class="article"><h1>Забастовка нефтяников</h1>
<p>Забастовка нефтяников в городе Жанаозен продолжается уже вторую неделю. Рабочие требуют
повышения заработной платы и соблюдения трудовых прав.</p>
<p>Представители профсоюза говорят, что переговоры с руководством компании пока не дали
никаких результатов, и рабочие намерены продолжать акцию.</p></div>
<footer>Все права защищены</footer></body></html>)";

const char* kKazakhArticle = R"(<!doctype html>
<html lang="kk"><head><meta charset="utf-8"><title>Мұнайшылар ереуілі</title></head>
<body><div class="content"><h1>Мұнайшылар ереуілі</h1>
<p>Жаңаөзен қаласында мұнайшылар жалақыны көтеруді талап етіп, ереуілге шықты. Жұмысшылар
компания басшылығымен келіссөз жүргізуді сұрайды.</p>
<p>Кәсіподақ өкілдерінің айтуынша, қала тұрғындары мұнайшыларды қолдап отыр және ереуіл
бірнеше күнге созылуы мүмкін.</p></div></body></html>)";

const char* kWeather = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weather in Almaty</title></head>
<body><article><h1>Weather in Almaty</h1>
<p>Almaty will see snow on Tuesday and temperatures well below freezing for the rest of the
week, forecasters said, advising drivers to take care on mountain roads.</p></article>
<footer>Steppe Labour News, Zhanaozen bureau. Sponsored by KazMunaiGas.</footer>
</body></html>)";

std::string Feed(int port) {
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Steppe Labour News</title><link>)" +
         base + R"(/</link>
<item><title>Мұнайшылар ереуілі</title><link>)" +
         base + R"(/kk/ereuil.html</link><guid>kk-ereuil</guid></item>
</channel></rss>)";
}

}  // namespace

TestSite::TestSite() : server_(std::make_unique<httplib::Server>()) {
  auto serve = [this](const std::string& path, std::string body, std::string type) {
    server_->Get(path, [this, body, type](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(req.path);
      }
      res.set_content(body, type.c_str());
    });
  };
  serve("/", kIndex, "text/html; charset=utf-8");
  serve("/en/strike.html", kEnglishArticle, "text/html; charset=utf-8");
  serve("/ru/zabastovka.html", ToWindows1251(kRussianArticle), "text/html; charset=windows-1251");
  serve("/kk/ereuil.html", kKazakhArticle, "text/html");
  serve("/en/weather.html", kWeather, "text/html; charset=utf-8");
  serve("/about.html", "<html><body><p>About us.</p></body></html>", "text/html");
  server_->set_error_handler([this](const httplib::Request& req, httplib::Response&) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(req.path);
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  std::string feed = Feed(port_);
  serve("/feed.xml", feed, "application/rss+xml");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  WaitUntil([this] { return server_->is_running(); }, std::chrono::seconds(10),
            std::chrono::milliseconds(1));
}

TestSite::~TestSite() {
  server_->stop();
  thread_.join();
}

std::string TestSite::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<std::string> TestSite::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void TestSite::ClearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

}  // namespace kuzet::testing
