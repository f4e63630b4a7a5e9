// Departments, positions and employees against a real MariaDB.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "services/org/structure_handlers.h"
#include "tests/org/org_fixture.h"
#include "tests/org/org_structure.h"

namespace crm::org {
namespace {

class StructureTest : public testing::OrgDatabaseTest {
 protected:
  void SetUp() override {
    OrgDatabaseTest::SetUp();
    repository_ = std::make_unique<testing::OrgStructure>(*db_);
    handlers_ =
        std::make_unique<StructureHandlers>(repository_->departments, repository_->positions,
                                            repository_->employees, absl::UTCTimeZone());
  }

  v1::Department Department(const std::string& name, int64_t parent = 0) {
    v1::CreateDepartmentRequest request;
    request.mutable_department()->set_name(name);
    request.mutable_department()->set_parent_id(parent);
    v1::Department d;
    absl::Status status = handlers_->CreateDepartment(Admin(), request, &d);
    EXPECT_TRUE(status.ok()) << status;
    return d;
  }

  v1::Employee Employee(const std::string& name, int64_t department, int64_t position = 0) {
    v1::CreateEmployeeRequest request;
    request.mutable_employee()->set_name(name);
    request.mutable_employee()->set_department_id(department);
    request.mutable_employee()->set_position_id(position);
    v1::Employee e;
    absl::Status status = handlers_->CreateEmployee(Admin(), request, &e);
    EXPECT_TRUE(status.ok()) << status;
    return e;
  }

  std::unique_ptr<testing::OrgStructure> repository_;
  std::unique_ptr<StructureHandlers> handlers_;
};

TEST_F(StructureTest, DepartmentsFormATreeWithPaths) {
  v1::Department head_office = Department("总部");
  v1::Department sales = Department("销售部", head_office.id());
  v1::Department east = Department("华东组", sales.id());
  EXPECT_EQ(head_office.path(), "/" + std::to_string(head_office.id()) + "/");
  EXPECT_EQ(east.path(), sales.path() + std::to_string(east.id()) + "/");

  v1::CreateDepartmentRequest twin;
  twin.mutable_department()->set_name("华东组");
  twin.mutable_department()->set_parent_id(sales.id());
  v1::Department ignored;
  EXPECT_EQ(handlers_->CreateDepartment(Admin(), twin, &ignored).code(),
            absl::StatusCode::kAlreadyExists);
  twin.mutable_department()->set_parent_id(999999);
  absl::Status missing_parent = handlers_->CreateDepartment(Admin(), twin, &ignored);
  EXPECT_EQ(missing_parent.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(missing_parent.message()).find("department.parent_id"), std::string::npos);
}

TEST_F(StructureTest, MovingADepartmentMovesItsSubtreeAndRefusesCycles) {
  v1::Department a = Department("A");
  v1::Department b = Department("B", a.id());
  v1::Department c = Department("C", b.id());
  v1::Department other = Department("Other");

  v1::MoveDepartmentRequest cycle;
  cycle.set_id(a.id());
  cycle.set_new_parent_id(c.id());
  v1::Department moved;
  absl::Status status = handlers_->MoveDepartment(Admin(), cycle, &moved);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("new_parent_id"), std::string::npos);

  v1::MoveDepartmentRequest move;
  move.set_id(b.id());
  move.set_new_parent_id(other.id());
  move.set_etag(b.etag());
  ASSERT_TRUE(handlers_->MoveDepartment(Admin(), move, &moved).ok());
  EXPECT_EQ(moved.parent_id(), other.id());
  EXPECT_EQ(moved.path(), other.path() + std::to_string(b.id()) + "/");
  v1::GetDepartmentRequest get;
  get.set_id(c.id());
  v1::Department c_now;
  ASSERT_TRUE(handlers_->GetDepartment(Admin(), get, &c_now).ok());
  EXPECT_EQ(c_now.path(), moved.path() + std::to_string(c.id()) + "/");

  move.set_new_parent_id(a.id());  // stale etag now
  EXPECT_EQ(handlers_->MoveDepartment(Admin(), move, &moved).code(), absl::StatusCode::kAborted);
  // A change row for each department whose path changed (B and C).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.org.v1.Department'"
                  " AND operation = 2"),
            2);
}

TEST_F(StructureTest, RenameAndCloseFollowTheRules) {
  v1::Department parent = Department("研发部");
  v1::Department child = Department("平台组", parent.id());
  Employee("王五", child.id());

  v1::UpdateDepartmentRequest rename;
  rename.mutable_department()->set_id(child.id());
  rename.mutable_department()->set_etag(child.etag());
  rename.mutable_department()->set_name("基础平台组");
  rename.mutable_update_mask()->add_paths("name");
  v1::Department renamed;
  ASSERT_TRUE(handlers_->UpdateDepartment(Admin(), rename, &renamed).ok());
  EXPECT_EQ(renamed.name(), "基础平台组");
  rename.mutable_update_mask()->add_paths("parent_id");
  EXPECT_EQ(handlers_->UpdateDepartment(Admin(), rename, &renamed).code(),
            absl::StatusCode::kInvalidArgument);

  v1::CloseDepartmentRequest close;
  close.set_id(parent.id());
  v1::Department closed;
  EXPECT_EQ(handlers_->CloseDepartment(Admin(), close, &closed).code(),
            absl::StatusCode::kFailedPrecondition);  // an open sub-department
  close.set_id(child.id());
  EXPECT_EQ(handlers_->CloseDepartment(Admin(), close, &closed).code(),
            absl::StatusCode::kFailedPrecondition);  // an active member
}

TEST_F(StructureTest, EmployeesByDepartmentSubtreeNameAndPosition) {
  v1::Department sales = Department("销售部");
  v1::Department east = Department("华东组", sales.id());
  v1::Department south = Department("华南组", sales.id());
  v1::Department rnd = Department("研发部");
  v1::CreatePositionRequest position_request;
  position_request.mutable_position()->set_name("销售经理");
  v1::Position manager;
  ASSERT_TRUE(handlers_->CreatePosition(Admin(), position_request, &manager).ok());
  Employee("张伟", east.id(), manager.id());
  Employee("张敏", south.id());
  Employee("李娜", rnd.id());
  Employee("100%_真", rnd.id());

  v1::ListEmployeesRequest subtree;
  subtree.set_department_id(sales.id());
  subtree.set_include_subdepartments(true);
  v1::ListEmployeesResponse page;
  ASSERT_TRUE(handlers_->ListEmployees(Admin(), subtree, &page).ok());
  EXPECT_EQ(page.total_size(), 2);
  subtree.set_include_subdepartments(false);
  ASSERT_TRUE(handlers_->ListEmployees(Admin(), subtree, &page).ok());
  EXPECT_EQ(page.total_size(), 0);

  v1::ListEmployeesRequest by_name;
  by_name.set_name_contains("张");
  ASSERT_TRUE(handlers_->ListEmployees(Admin(), by_name, &page).ok());
  EXPECT_EQ(page.total_size(), 2);
  by_name.set_name_contains("%_");  // wildcards are matched literally
  page.Clear();
  ASSERT_TRUE(handlers_->ListEmployees(Admin(), by_name, &page).ok());
  ASSERT_EQ(page.employees_size(), 1);
  EXPECT_EQ(page.employees(0).name(), "100%_真");

  v1::ListEmployeesRequest by_position;
  by_position.set_position_id(manager.id());
  by_position.set_page_size(1);
  page.Clear();
  ASSERT_TRUE(handlers_->ListEmployees(Admin(), by_position, &page).ok());
  ASSERT_EQ(page.employees_size(), 1);
  EXPECT_EQ(page.employees(0).name(), "张伟");
  EXPECT_EQ(page.employees(0).department_path(), east.path());

  v1::DeletePositionRequest remove;
  remove.set_id(manager.id());
  google::protobuf::Empty empty;
  EXPECT_EQ(handlers_->DeletePosition(Admin(), remove, &empty).code(),
            absl::StatusCode::kFailedPrecondition);  // 张伟 holds it
}

TEST_F(StructureTest, InvalidEmployeesAreRefusedAndNothingIsWritten) {
  v1::CreateEmployeeRequest request;
  request.mutable_employee()->set_name("");
  request.mutable_employee()->set_department_id(424242);
  request.mutable_employee()->set_email("nope");
  request.mutable_employee()->set_hire_date("2026-02-30");
  v1::Employee e;
  absl::Status status = handlers_->CreateEmployee(Admin(), request, &e);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"employee.name", "employee.email", "employee.hire_date"}) {
    EXPECT_NE(std::string(status.message()).find(field), std::string::npos) << field;
  }
  request.mutable_employee()->set_name("赵六");
  request.mutable_employee()->clear_email();
  request.mutable_employee()->clear_hire_date();
  status = handlers_->CreateEmployee(Admin(), request, &e);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("employee.department_id"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM employees"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 0);
}

TEST_F(StructureTest, LeavingIsRecordedWithTheDate) {
  v1::Department d = Department("客服部");
  v1::Employee e = Employee("孙七", d.id());
  v1::LeaveEmployeeRequest leave;
  leave.set_id(e.id());
  leave.set_leave_date("2026-11-20");
  v1::Employee left;
  ASSERT_TRUE(handlers_->LeaveEmployee(Admin(), leave, &left).ok());
  EXPECT_EQ(left.status(), v1::EMPLOYEE_STATUS_LEFT);
  EXPECT_EQ(left.leave_date(), "2026-11-20");
  EXPECT_EQ(handlers_->LeaveEmployee(Admin(), leave, &left).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::ListEmployeesRequest active;
  active.set_department_id(d.id());
  v1::ListEmployeesResponse page;
  ASSERT_TRUE(handlers_->ListEmployees(Admin(), active, &page).ok());
  EXPECT_EQ(page.total_size(), 0);
  active.set_include_left(true);
  page.Clear();
  ASSERT_TRUE(handlers_->ListEmployees(Admin(), active, &page).ok());
  EXPECT_EQ(page.total_size(), 1);
}

TEST_F(StructureTest, AnEmptyMaskChangesTheFieldsSetAndAnUnknownPathIsRefused) {
  v1::Department d = Department("销售部");
  v1::Employee e = Employee("周八", d.id());

  // No mask: the fields the request sets change, the others stay.
  v1::UpdateEmployeeRequest update;
  update.mutable_employee()->set_id(e.id());
  update.mutable_employee()->set_etag(e.etag());
  update.mutable_employee()->set_phone("13800000000");
  v1::Employee updated;
  ASSERT_TRUE(handlers_->UpdateEmployee(Admin(), update, &updated).ok());
  EXPECT_EQ(updated.phone(), "13800000000");
  EXPECT_EQ(updated.name(), "周八");
  EXPECT_EQ(updated.department_id(), d.id());
  EXPECT_EQ(updated.etag(), "2");

  // An unknown path changes nothing and names update_mask.
  update.mutable_employee()->set_phone("13900000000");
  update.mutable_update_mask()->add_paths("phone");
  update.mutable_update_mask()->add_paths("salary");
  absl::Status refused = handlers_->UpdateEmployee(Admin(), update, &updated);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(refused.message()).find("update_mask"), std::string::npos) << refused;
  v1::GetEmployeeRequest get;
  get.set_id(e.id());
  v1::Employee stored;
  ASSERT_TRUE(handlers_->GetEmployee(Admin(), get, &stored).ok());
  EXPECT_EQ(stored.phone(), "13800000000");
  EXPECT_EQ(stored.etag(), "2");

  // The same rule for positions: no mask takes the description only.
  v1::CreatePositionRequest create;
  create.mutable_position()->set_name("销售");
  v1::Position position;
  ASSERT_TRUE(handlers_->CreatePosition(Admin(), create, &position).ok());
  v1::UpdatePositionRequest describe;
  describe.mutable_position()->set_id(position.id());
  describe.mutable_position()->set_etag(position.etag());
  describe.mutable_position()->set_description("负责华东");
  ASSERT_TRUE(handlers_->UpdatePosition(Admin(), describe, &position).ok());
  EXPECT_EQ(position.name(), "销售");
  EXPECT_EQ(position.description(), "负责华东");
  describe.mutable_update_mask()->add_paths("create_time");
  EXPECT_EQ(handlers_->UpdatePosition(Admin(), describe, &position).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::org
