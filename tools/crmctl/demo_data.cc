// The demo customers.
#include "tools/crmctl/demo_data.h"

namespace crm::tools {
namespace {
constexpr auto kSigned = customer::v1::CUSTOMER_STATUS_SIGNED;
constexpr auto kFollowing = customer::v1::CUSTOMER_STATUS_FOLLOWING_UP;
constexpr auto kTerminated = customer::v1::CUSTOMER_STATUS_TERMINATED;
constexpr auto kEffective = customer::v1::CUSTOMER_GRADE_EFFECTIVE;
constexpr auto kPotential = customer::v1::CUSTOMER_GRADE_POTENTIAL;
constexpr auto kIntended = customer::v1::CUSTOMER_GRADE_INTENDED;
}  // namespace

const std::vector<DemoDepartment>& DemoDepartments() {
  static const auto* departments = new std::vector<DemoDepartment>{
      {"hq", "总部", ""},
      {"sales", "销售部", "hq"},
      {"sales-east", "华东销售组", "sales"},
      {"sales-south", "华南销售组", "sales"},
      {"service", "技术服务部", "hq"},
  };
  return *departments;
}

const std::vector<DemoUser>& DemoUsers() {
  static const auto* users = new std::vector<DemoUser>{
      {"sales.head", "王建国", "sales", {"department_head", "sales"}},
      {"sales.east", "李华东", "sales-east", {"sales"}},
      {"sales.south", "陈华南", "sales-south", {"sales"}},
      {"service.head", "孙主管", "service", {"department_head", "service"}},
      {"implementer", "赵实施", "service", {"implementer"}},
      {"manager", "周总", "hq", {"management"}},
  };
  return *users;
}

const std::vector<DemoCustomer>& DemoCustomers() {
  static const auto* customers = new std::vector<DemoCustomer>{
      {"demo-customer-01", "sales.east", "上海华东电气有限公司", "east", "上海", "021-6258-8001",
       "电气 配电柜", kSigned, kEffective},
      {"demo-customer-02", "sales.east", "杭州西湖软件股份有限公司", "east", "杭州",
       "0571-8870-1122", "软件 ERP", kFollowing, kPotential},
      {"demo-customer-03", "sales.east", "南京金陵机械制造厂", "east", "南京", "025-8451-3300",
       "机械 机床", kSigned, kEffective},
      {"demo-customer-04", "sales.east", "苏州工业园区精密模具有限公司", "east", "苏州",
       "0512-6260-7788", "模具", kFollowing, kIntended},
      {"demo-customer-05", "sales.east", "北京中关村科技发展有限公司", "north", "北京",
       "010-6275-1000", "科技 集成", kSigned, kEffective},
      {"demo-customer-06", "sales.east", "天津滨海物流集团", "north", "天津", "022-2530-6600",
       "物流 仓储", kFollowing, kPotential},
      {"demo-customer-07", "sales.east", "石家庄华北制药商贸有限公司", "north", "石家庄",
       "0311-8596-2200", "医药", kTerminated, kPotential},
      {"demo-customer-08", "sales.east", "太原晋商能源有限公司", "north", "太原", "0351-4088-5500",
       "能源 煤炭", kFollowing, kIntended},
      {"demo-customer-09", "sales.south", "沈阳东北重工股份有限公司", "northeast", "沈阳",
       "024-2396-8000", "重工 装备", kSigned, kEffective},
      {"demo-customer-10", "sales.south", "大连港湾贸易有限公司", "northeast", "大连",
       "0411-8263-4400", "外贸 港口", kFollowing, kPotential},
      {"demo-customer-11", "sales.south", "长春一汽配件供应有限公司", "northeast", "长春",
       "0431-8595-3100", "汽车 配件", kSigned, kEffective},
      {"demo-customer-12", "sales.south", "哈尔滨冰城食品有限公司", "northeast", "哈尔滨",
       "0451-8233-9900", "食品", kFollowing, kIntended},
      {"demo-customer-13", "sales.south", "西安古城文化传媒有限公司", "northwest", "西安",
       "029-8836-1200", "文化 传媒", kFollowing, kPotential},
      {"demo-customer-14", "sales.south", "兰州西北石化设备有限公司", "northwest", "兰州",
       "0931-8412-7700", "石化 设备", kSigned, kEffective},
      {"demo-customer-15", "sales.south", "乌鲁木齐丝路商贸有限公司", "northwest", "乌鲁木齐",
       "0991-2815-6600", "商贸", kFollowing, kIntended},
      {"demo-customer-16", "sales.south", "银川塞上农业科技有限公司", "northwest", "银川",
       "0951-5043-2100", "农业", kTerminated, kPotential},
      {"demo-customer-17", "sales.south", "广州珠江电子科技有限公司", "south", "广州",
       "020-8755-3000", "电子 元器件", kSigned, kEffective},
      {"demo-customer-18", "sales.south", "深圳南山互联网技术有限公司", "south", "深圳",
       "0755-8601-2288", "互联网 云服务", kFollowing, kPotential},
      {"demo-customer-19", "sales.south", "珠海海西进出口有限公司", "south", "珠海",
       "0756-5162-3300", "进出口", kSigned, kEffective},
      {"demo-customer-20", "sales.south", "南宁绿城医疗器械有限公司", "south", "南宁",
       "0771-5560-4400", "医疗 器械", kFollowing, kIntended},
  };
  return *customers;
}

const std::vector<DemoProduct>& DemoProducts() {
  static const auto* products = new std::vector<DemoProduct>{
      {"demo-product-1", "低压配电柜", "GGD-2", "800×600×2200", "台", 1288000, 820000, 13, 12000,
       3000},
      {"demo-product-2", "断路器", "NXM-125S", "125A 3P", "只", 36800, 21000, 13, 200000, 20000},
      {"demo-product-3", "铜芯电缆", "YJV-4×25", "每米", "米", 8650, 6100, 13, 1500500, 100000},
      {"demo-product-4", "安装调试服务", "SVC-01", "按天计", "天", 150000, 60000, 6, 0, 0},
  };
  return *products;
}

}  // namespace crm::tools
