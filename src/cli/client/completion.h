// Shell completion for the `drover` command line, made from the command
// tree itself (CLI11's App), so it never lags behind a new command or flag:
// `drover completion bash` prints a bash completion function;
// `drover completion zsh` the same function under zsh's bashcompinit.
//
//   source <(drover completion bash)     # in ~/.bashrc
//   source <(drover completion zsh)      # in ~/.zshrc
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace drover::cli::client {

// "bash" or "zsh"; throws std::runtime_error for another shell.
// (`drover completion` is registered by Commands, cli/client/commands.h.)
std::string CompletionScript(const CLI::App& root, const std::string& shell);

}  // namespace drover::cli::client
