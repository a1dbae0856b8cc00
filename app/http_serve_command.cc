// kuzet serve: the HTTP API, feed, metrics and web page over a data dir, until SIGTERM/SIGINT.
#include <signal.h>

#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app/commands.h"
#include "app/http_server.h"
#include "app/logging.h"
#include "config/config.h"
#include "url/address.h"

namespace kuzet::app {

int ServeCommand(const ServeOptions& options) {
  // Blocked before the server's threads start, so only sigtimedwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  config::Server server;
  PageChoices choices;  // none without a config: the page's filters are free text
  std::string data_dir = options.data_dir;
  if (!options.config_path.empty()) {
    auto config = config::LoadConfigFile(options.config_path);
    if (!config.ok()) {
      std::cerr << config.status().message() << "\n";
      return 1;
    }
    server = config->server;
    choices = PageChoicesFromConfig(*config);
    if (data_dir.empty()) data_dir = config->settings.data_dir;
    SetLogLevel(config->settings.log_level);
  }
  if (data_dir.empty()) {
    std::cerr << "give --config FILE or --data-dir DIR\n";
    return 1;
  }
  if (!std::filesystem::exists(data_dir)) {
    std::cerr << data_dir << ": no data yet: run `kuzet crawl --once` or `kuzet run` first\n";
    return 1;
  }
  auto http_options = HttpOptionsFromConfig(server, data_dir, options.listen, options.token_env);
  if (!http_options.ok()) {
    std::cerr << http_options.status().message() << "\n";
    return 1;
  }
  http_options->page_choices = std::move(choices);
  auto http = HttpServer::Start(*http_options);
  if (!http.ok()) {
    std::cerr << http.status().message() << "\n";
    return 1;
  }
  // The bound address on stdout, so scripts (and tests using port 0) know where to connect.
  auto address = url::ParseListenAddress(http_options->listen);
  std::string host =
      address->host.find(':') == std::string::npos ? address->host : "[" + address->host + "]";
  std::cout << "listening on http://" << host << ":" << (*http)->port() << "/" << std::endl;
  int sig = 0;
  while (sig != SIGTERM && sig != SIGINT) sig = sigwaitinfo(&signals, nullptr);
  (*http)->Stop();
  return 0;
}

}  // namespace kuzet::app
