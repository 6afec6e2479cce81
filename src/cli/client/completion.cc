#include "cli/client/completion.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "cli/client/commands.h"
#include "core/training_status.h"

namespace drover::cli::client {

namespace {

// One command of the tree: its path ("drover jobs list"), its subcommands
// and the flags it takes (its own, and its parents' when it falls through).
struct Node {
  std::string path;
  std::vector<std::string> subcommands;
  std::vector<std::string> flags;
};

void Flags(const CLI::App& app, std::vector<std::string>& out) {
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional()) continue;
    for (const std::string& name : option->get_lnames()) out.push_back("--" + name);
    for (const std::string& name : option->get_snames()) out.push_back("-" + name);
  }
}

void Walk(const CLI::App& app, const std::string& path, std::vector<const CLI::App*> parents,
          std::vector<Node>& out) {
  Node node{path, {}, {}};
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* a) {
         return !a->get_group().empty();  // hidden commands (the pod supervisor) stay out
       })) {
    node.subcommands.push_back(sub->get_name());
  }
  Flags(app, node.flags);
  // Flags a command does not know go up to its parent while it falls
  // through, and on from there while that one does.
  const CLI::App* from = &app;
  for (auto it = parents.rbegin(); it != parents.rend() && from->get_fallthrough(); ++it) {
    Flags(**it, node.flags);
    from = *it;
  }
  std::vector<std::string> unique;
  for (const std::string& flag : node.flags) {
    if (std::find(unique.begin(), unique.end(), flag) == unique.end()) unique.push_back(flag);
  }
  node.flags = std::move(unique);
  out.push_back(node);
  parents.push_back(&app);
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    Walk(*sub, path + " " + sub->get_name(), parents, out);
  }
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

std::string CompletionScript(const CLI::App& root, const std::string& shell) {
  if (shell != "bash" && shell != "zsh") {
    throw std::runtime_error("completion is for bash or zsh, not " + shell);
  }
  std::vector<Node> nodes;
  Walk(root, "drover", {}, nodes);
  std::string s;
  if (shell == "zsh") {
    // bashcompinit's `complete` needs compinit's compdef (most ~/.zshrc
    // have loaded it already).
    s += "(( $+functions[compdef] )) || { autoload -U compinit && compinit -u; }\n";
    s += "autoload -U +X bashcompinit && bashcompinit\n";
  }
  s += "# drover completion " + shell + ": made from drover's own command tree\n";
  s += "_drover() {\n";
  s += "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n";
  s += "  local path=drover i\n";
  s += "  for ((i = 1; i < COMP_CWORD; i++)); do\n";
  s += "    case \"$path ${COMP_WORDS[i]}\" in\n";
  std::string known;
  for (const Node& n : nodes) {
    if (n.path == "drover") continue;
    known += (known.empty() ? "" : "|") + ("\"" + n.path + "\"");
  }
  s += "      " + known + ") path=\"$path ${COMP_WORDS[i]}\" ;;\n";
  s += "    esac\n";
  s += "  done\n";
  s += "  case \"$prev\" in\n";
  s += "    -o|--output) COMPREPLY=($(compgen -W \"table wide json yaml name\" -- \"$cur\")); "
       "return ;;\n";
  std::vector<std::string> statuses;
  for (int i = 0; i < core::kTrainingStatusCount; ++i) {
    statuses.emplace_back(core::TrainingStatusName(static_cast<core::TrainingStatus>(i)));
  }
  s +=
      "    --status) COMPREPLY=($(compgen -W \"" + Join(statuses) + "\" -- \"$cur\")); return ;;\n";
  s += "    -f|--file|--config|--quota-file|--storage-map) COMPREPLY=($(compgen -f -- \"$cur\")); "
       "return ;;\n";
  s += "  esac\n";
  s += "  local words\n";
  s += "  case \"$path\" in\n";
  for (const Node& n : nodes) {
    std::vector<std::string> words = n.subcommands;
    words.insert(words.end(), n.flags.begin(), n.flags.end());
    s += "    \"" + n.path + "\") words=\"" + Join(words) + "\" ;;\n";
  }
  s += "  esac\n";
  s += "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n";
  s += "}\n";
  s += "complete -F _drover drover\n";
  return s;
}

void Commands::AddCompletion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "completion", "Print a shell completion script\n  e.g. source <(drover completion bash)");
  cmd->add_option("shell", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  On(cmd, [&app, shell] {
    std::cout << CompletionScript(app, *shell);
    return 0;
  });
}

}  // namespace drover::cli::client
