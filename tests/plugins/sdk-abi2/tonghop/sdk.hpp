// Everything a tonghop plugin needs: #include <tonghop/sdk.hpp>
#pragma once

#include "tonghop/sdk/abi.h"
#include "tonghop/sdk/document.hpp"
#include "tonghop/sdk/exporter.hpp"
#include "tonghop/sdk/host.hpp"
#include "tonghop/sdk/importer.hpp"
#include "tonghop/sdk/plugin.hpp"
#include "tonghop/sdk/report.hpp"
#include "tonghop/sdk/status.hpp"
