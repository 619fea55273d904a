pytest_plugins = ["bot.standin.pytest_plugin"]
